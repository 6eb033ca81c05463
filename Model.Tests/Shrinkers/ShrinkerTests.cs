using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;
using Checker.Shrinkers;

namespace Checker.Model.Tests.Shrinkers;

/// <summary>Every shrinker on a planted failure: the result still fails and is 1-minimal.</summary>
public class ShrinkerTests
{
    private static readonly Invariant NonAcs = GroupInvariants.NonAcsSiblingsShareGroup;

    private static bool Fails(Candidate c, Invariant inv) => Counterexample.Replay(c.Machine, c.Events, inv) is not null;

    /// <summary>The D05 script up to the step where mlx5_core splits the PFs: 31 events, the whole machine.</summary>
    private static Candidate PlantedD05()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-builtin");
        var run = Runner.Run(m, Explorer.ScriptOrdering(m).Select(e => new TimedEvent(e, null)), [NonAcs], stopAtFirst: true);
        return new Candidate(m, [.. run.Events.Select(e => e.Event)]);
    }

    private static void AssertOneMinimalInEvents(Candidate c, Invariant inv)
    {
        Assert.True(Fails(c, inv));
        foreach (var smaller in SequenceShrinker.RemoveSingles(c.Events))
            Assert.False(Fails(c with { Events = smaller }, inv), $"still fails without one event: {string.Join("; ", new Candidate(c.Machine, smaller).EventTexts)}");
    }

    private static void AssertOneMinimalInDevices(Candidate c, Invariant inv)
    {
        for (int d = 0; d < c.Machine.Devices.Length; d++)
            Assert.False(Fails(MachineEdit.Without(c, [d], [], []), inv), $"still fails without {c.Machine.Devices[d].Name}");
    }

    /// <summary>Greedy fixpoint over one shrinker family, the way the Minimizer uses each.</summary>
    private static Candidate Fixpoint(Candidate c, Func<Candidate, IEnumerable<Candidate>> shrinks, Invariant inv)
    {
        bool improved = true;
        while (improved)
        {
            improved = false;
            foreach (var s in shrinks(c))
                if (s.Size.CompareTo(c.Size) <= 0 && Fails(s, inv))
                {
                    c = s;
                    improved = true;
                    break;
                }
        }
        return c;
    }

    [Fact]
    public void Chunk_removal_keeps_the_failure_and_shortens_the_planted_sequence()
    {
        var start = PlantedD05();
        var result = Fixpoint(start, c => SequenceShrinker.RemoveChunks(c.Events).Select(e => c with { Events = e }), NonAcs);
        Assert.True(Fails(result, NonAcs));
        Assert.True(result.Events.Length < start.Events.Length / 2);
    }

    [Fact]
    public void Single_event_removal_reaches_a_sequence_from_which_no_event_can_go()
    {
        var result = Fixpoint(PlantedD05(), c => SequenceShrinker.RemoveSingles(c.Events).Select(e => c with { Events = e }), NonAcs);
        AssertOneMinimalInEvents(result, NonAcs);
        Assert.Equal(6, result.Events.Length);
    }

    [Fact]
    public void Device_driver_and_instance_pruning_keeps_only_the_SMMU_the_port_and_the_functions()
    {
        var events = Fixpoint(PlantedD05(), c => SequenceShrinker.RemoveSingles(c.Events).Select(e => c with { Events = e }), NonAcs);
        var result = Fixpoint(events, c => MachineShrinker.DropDevices(c).Concat(MachineShrinker.DropDrivers(c)).Concat(MachineShrinker.DropIommus(c)), NonAcs);
        Assert.True(Fails(result, NonAcs));
        Assert.Subset(new HashSet<string> { "arm-smmu-v3.3.auto", "000a:10:00.0", "000a:11:00.0", "000a:11:00.1" },
            result.Machine.Devices.Select(d => d.Name).ToHashSet());
        Assert.Single(result.Machine.Iommus);
        AssertOneMinimalInDevices(result, NonAcs);
    }

    [Fact]
    public void Milder_faults_replace_ENOMEM_by_the_mildest_errno_that_still_fails()
    {
        // parent-link: a root port whose probe fails for good keeps its functions from ever probing.
        var m = ScenarioFiles.Load("hisilicon-d05-builtin") with { Variants = Variants.Default with { Groups = GroupsVariant.ParentLink } };
        var inv = LifecycleInvariants.EveryMatchedDeviceBinds;
        var texts = Explorer.ScriptOrdering(m).Select(e => EventText.Format(m, e)).ToList();
        texts.Insert(0, "fail-next-probe 000a:10:00.0 -ENOMEM");
        var events = texts.Select(t => EventText.Parse(m, t).Event!).Where(e => e is not SriovEnable).ToImmutableArray();
        var start = Truncate(new Candidate(m, events), inv);
        var result = Fixpoint(start, c => SequenceShrinker.MilderFaults(c.Events, EventGen.ProbeErrnos).Select(e => c with { Events = e }), inv);
        Assert.True(Fails(result, inv));
        var fault = result.Events.OfType<FailNextProbe>().Single();
        Assert.Equal(Errno.ENODEV, fault.Errno);
    }

    [Fact]
    public void A_module_load_becomes_built_in_when_the_failure_survives_it()
    {
        var m = new MachineBuilder(Arch.Arm64).Variant("mask", "mask-plus-one")
            .Platform("dma0", Firmware.Dt, maskBits: 64)
            .Driver("dma-drv", BusKind.Platform, ["dma0"], module: true)
            .Build();
        var inv = DmaOpsInvariants.CoherentMaskCoversRange;
        var start = new Candidate(m, [new AddDevice(0), new LateInitcall(), new Modprobe(0)]);
        Assert.True(Fails(start, inv));
        var result = Fixpoint(start, MachineShrinker.ModulesToBuiltin, inv);
        Assert.True(result.Machine.Drivers[0].Arrival.Builtin);
        Assert.Contains(new RegisterDriver(0), result.Events);
        Assert.True(Fails(result, inv));
    }

    [Fact]
    public void The_minimizer_result_is_one_minimal_in_events_and_devices()
    {
        var start = PlantedD05();
        var result = Minimizer.Minimize(start, c => Fails(c, NonAcs), EventGen.ProbeErrnos).Result;
        AssertOneMinimalInEvents(result, NonAcs);
        AssertOneMinimalInDevices(result, NonAcs);
        Assert.True(result.Events.Length <= 6);
    }

    /// <summary>
    /// The 200-device bench machine's script breaks NonAcsSiblingsShareGroup: runs of devices go
    /// first (halves, quarters, ...), so the minimizer reaches the handful the failure needs in a
    /// few machines (11, one per accepted run or device, against 195 when devices went one at a
    /// time), and the result is still 1-minimal in events and devices and no larger.
    /// </summary>
    [Fact]
    public void Runs_of_devices_take_a_big_machine_to_what_its_failure_needs_in_few_machines()
    {
        var path = System.IO.Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", "big", "big-200.yaml");
        var m = Checker.Model.Scenario.ScenarioLoader.Load("Model.Tests/Fixtures/big/big-200.yaml", File.ReadAllText(path));
        var run = Runner.Run(m, Explorer.ScriptOrdering(m).Select(e => new TimedEvent(e, null)), [NonAcs], stopAtFirst: true);
        var start = new Candidate(m, [.. run.Events.Select(e => e.Event)]);
        Assert.True(Fails(start, NonAcs));
        var shrunk = Minimizer.Minimize(start, c => Fails(c, NonAcs), EventGen.ProbeErrnos);
        var result = shrunk.Result;
        AssertOneMinimalInEvents(result, NonAcs);
        AssertOneMinimalInDevices(result, NonAcs);
        // Devices one at a time reached 9 events on 7 devices (the SMMU, the root port, the switch's
        // upstream port, two downstream ports and an nvme function below each) through 195 machines.
        Assert.True(result.Machine.Devices.Length <= 7, $"{result.Machine.Devices.Length} devices left: {string.Join(", ", result.Machine.Devices.Select(d => d.Name))}");
        Assert.True(result.Events.Length <= 9, $"{result.Events.Length} events: {string.Join("; ", result.EventTexts)}");
        Assert.True(shrunk.Machines.Length < 40, $"{shrunk.Machines.Length} machines accepted for {m.Devices.Length} devices");
    }

    private static Candidate Truncate(Candidate c, Invariant inv)
    {
        var w = Kernel.Boot(c.Machine);
        for (int i = 0; i < c.Events.Length; i++)
        {
            var before = w;
            w = Kernel.Step(w, c.Events[i]);
            if (inv.Check(new StepView(before, c.Events[i], w)) is not null)
                return c with { Events = c.Events[..(i + 1)] };
        }
        throw new InvalidOperationException("the planted failure does not fail");
    }
}
