using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exhaustive;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Regressions;

/// <summary>
/// The false alarm of a 6.15 ordering that fired the deferred-probe timeout before a module the
/// script loads at 5.1 s (10 s before it): a timed action and the timeout keep the order of their
/// times in every ordering check, matrix and explore derive from the script, and the log shows each
/// at its time (docs/semantics.md, "Timed actions"). deferred_probe_initcall() schedules the
/// timeout work driver_deferred_probe_timeout seconds after late_initcall (v6.15 drivers/base/dd.c).
/// </summary>
public class TimedOrderingTests
{
    private static Machine On615(string scenario)
    {
        var m = ScenarioFiles.Load(scenario);
        return m with { Variants = m.Variants.WithEra(KernelEra.V6_15) };
    }

    private static readonly string[] Boot =
        ["add 2b400000.iommu", "add 2b500000.dma", "add 2b600000.gpu", "register pl330", "register panfrost", "late-initcall"];

    [Fact]
    public void A_module_scripted_before_the_timeout_cannot_load_after_it_has_fired()
    {
        var w = Steps.Run(On615("modular-smmu-dt-timeout-5s"), [.. Boot, "deferred-probe-timeout"]);
        var modprobe = Steps.Parse(w.Machine, "modprobe arm-smmu");
        Assert.Equal("scripted at 5.100000 s, before the deferred-probe timeout (which has fired)", Kernel.WhyDisabled(w, modprobe));
    }

    [Fact]
    public void A_module_scripted_after_the_timeout_cannot_load_before_it_fires()
    {
        var w = Steps.Run(On615("modular-smmu-dt-timeout-15s"), Boot);
        var modprobe = Steps.Parse(w.Machine, "modprobe arm-smmu");
        Assert.Equal("scripted at 15.100000 s, after the deferred-probe timeout (which has not fired yet)", Kernel.WhyDisabled(w, modprobe));
        w = Steps.Continue(w, "deferred-probe-timeout");
        Assert.Null(Kernel.WhyDisabled(w, modprobe));
    }

    [Fact]
    public void Under_5_3_the_script_times_order_nothing()
    {
        var w = Steps.Run(ScenarioFiles.Load("modular-smmu-dt-timeout-15s"), Boot);
        Assert.Null(Kernel.WhyDisabled(w, Steps.Parse(w.Machine, "modprobe arm-smmu")));
    }

    [Fact]
    public void An_ordering_replayed_without_times_logs_each_timed_action_at_its_at_and_the_timeout_at_its_time()
    {
        var m = On615("modular-smmu-dt-timeout-15s");
        var events = Boot.Concat(["deferred-probe-timeout", "modprobe arm-smmu"]).Select(t => new TimedEvent(Steps.Parse(m, t), null));
        var log = Runner.Run(m, events, [], stopAtFirst: false).Final.Log;
        // Each event's own line comes 1 µs after its step starts; late_initcall's clock is after its line.
        long late = log.Single(l => l.Text.EndsWith("late-initcall", StringComparison.Ordinal)).Micros;
        Assert.Equal(late + 10_000_000 + 1, log.Single(l => l.Text.EndsWith("deferred-probe-timeout", StringComparison.Ordinal)).Micros);
        Assert.Equal(15_100_001, log.Single(l => l.Text.Contains("modprobe arm-smmu", StringComparison.Ordinal)).Micros);
    }

    [Fact]
    public void Ten_thousand_orderings_of_the_5_s_script_keep_NoDmaBypass_and_every_ordering_loads_before_the_timeout()
    {
        var m = On615("modular-smmu-dt-timeout-5s");
        var outcome = Explorer.Check(m, new CheckOptions([DmaOpsInvariants.NoDmaBypass], 1, 10_000, null, GenConfig.Default));
        Assert.Null(outcome.Found);
        for (int test = 1; test <= 200; test++)
        {
            var choices = EventGen.Draw(EventGen.Choices(m, GenConfig.Default), Explorer.TestSeed(1, test));
            var events = EventGen.Decode(m, GenConfig.Default, choices);
            int timeout = events.IndexOf(new DeferredProbeTimeout());
            int modprobe = events.IndexOf(Steps.Parse(m, "modprobe arm-smmu"));
            if (timeout >= 0 && modprobe >= 0)
                Assert.True(modprobe < timeout, $"ordering {test}: the module loads after the timeout");
        }
    }

    [Fact]
    public void Exhaustive_exploration_agrees_5_s_passes_NoDmaBypass_and_15_s_breaks_it_after_the_timeout()
    {
        ExploreOptions Options() => new([DmaOpsInvariants.NoDmaBypass], Strategy.Bfs, 14, null, Shard.Whole, GenConfig.Default);
        var early = StateSpace.Explore(On615("modular-smmu-dt-timeout-5s"), Options());
        Assert.Empty(early.Found);
        var late = StateSpace.Explore(On615("modular-smmu-dt-timeout-15s"), Options());
        var found = Assert.Single(late.Found);
        var texts = found.Events.Select(e => EventText.Format(found.Machine, e)).ToList();
        Assert.True(texts.IndexOf("deferred-probe-timeout") < texts.IndexOf("modprobe arm-smmu"));
    }

    [Fact]
    public void A_scenario_without_timed_actions_has_an_empty_timeline_so_its_orderings_are_untouched()
    {
        foreach (var name in ScenarioFiles.All())
        {
            var m = ScenarioFiles.Load(name);
            if (m.Script.Any(a => a.AtMicros is not null))
                continue;
            Assert.True(m.Index.Timeline.IsEmpty, name);
            var w = Kernel.Boot(m with { Variants = m.Variants.WithEra(KernelEra.V6_15) });
            foreach (var (_, e) in EventGen.Enabled(w))
                Assert.Null(Kernel.TimeOf(w, e));
        }
    }

    [Fact]
    public void The_shrinker_keeps_the_script_times_on_the_machine_it_prunes()
    {
        var m = On615("modular-smmu-dt-timeout-15s");
        var pruned = Checker.Shrinkers.MachineEdit.Without(new Checker.Shrinkers.Candidate(m, []), [m.DeviceIndex("2b600000.gpu")], [], []).Machine;
        Assert.Equal(TimeoutSide.After, pruned.Index.Timeline.Side(Steps.Parse(pruned, "modprobe arm-smmu")));
        Assert.Equal([15_100_000L], pruned.Index.Timeline.Times(Steps.Parse(pruned, "modprobe arm-smmu")).ToArray());
    }
}
