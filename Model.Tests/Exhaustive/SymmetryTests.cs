using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Exhaustive;

/// <summary>
/// The symmetry reduction (docs/explore.md, "Symmetry"): which blocks of a machine are
/// interchangeable; that exchanging them commutes with every step and keeps every verdict; that
/// the symmetric fingerprint is one per orbit; and that BFS over it breaks the same properties at
/// the same shortest lengths as plain BFS, on the small machines and the bundled scenarios.
/// </summary>
public class SymmetryTests
{
    private static ExploreOptions Options(int depth, bool reduce, bool symmetry) =>
        new ExploreOptions(Catalogue.All, Strategy.Bfs, depth, null, Shard.Whole, GenConfig.Default) with { Reduce = reduce, Symmetry = symmetry, Decompose = false };

    private static string Lengths(ExploreOutcome o) =>
        string.Join(", ", o.Found.Select(c => $"{c.Violation.Property}@{c.Events.Length}").Order(StringComparer.Ordinal));

    private static string[] Names(Machine m, SymmetricBlock b) => [.. b.Devices.Select(d => m.Devices[d].Name)];

    [Fact]
    public void The_d05_exchanges_its_three_empty_smmu_domains_and_its_three_platform_masters()
    {
        var m = D05.Builtin();
        var s = Symmetry.Of(m);
        Assert.NotNull(s);
        var classes = s!.Classes
            .Select(c => string.Join(" | ", c.Select(b => string.Join(" ", Names(m, b).Order(StringComparer.Ordinal)))))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "0004:88:00.0 arm-smmu-v3.1.auto | 0005:78:00.0 arm-smmu-v3.2.auto | 000d:30:00.0 arm-smmu-v3.5.auto",
            "HISI0162:01 | HISI00B2:00 | PNP0D20:00",
        ], classes);
        // The masters move with their own drivers; the domains with their instances.
        var masters = s.Classes.Single(c => c[0].Instances.Length == 0);
        Assert.All(masters, b => Assert.Single(b.Drivers));
        var domains = s.Classes.Single(c => c[0].Instances.Length == 1);
        Assert.All(domains, b => Assert.Empty(b.Drivers));
    }

    [Fact]
    public void Blocks_that_differ_in_one_fact_or_that_the_script_names_are_not_exchanged()
    {
        var twins = SmallMachines.TwinPorts();
        Assert.Single(Symmetry.Of(twins)!.Classes);
        // One root port with ACS: the two domains differ.
        int port = twins.DeviceIndex("0005:78:00.0");
        var acs = twins with { Devices = twins.Devices.SetItem(port, twins.Devices[port] with { Pci = twins.Devices[port].Pci! with { Acs = AcsFlags.Required } }) };
        Assert.Null(Symmetry.Of(acs));
        // An instance limited to one context: its domain differs from the other.
        int smmu = twins.IommuIndex("smmu-0004");
        var contexts = twins with { Iommus = twins.Iommus.SetItem(smmu, twins.Iommus[smmu] with { Contexts = 1 }) };
        Assert.Null(Symmetry.Of(contexts));
        // A script action naming one of the root ports pins its domain.
        var scripted = twins with { Script = [.. twins.Script, new ScriptAction(new HotRemove(port), 5_000_000, SourceLine.None)] };
        Assert.Null(Symmetry.Of(scripted));
        // The D05 with its mlx5 driver as a module keeps its classes (the module matches domain 000a only).
        Assert.Equal(2, Symmetry.Of(ScenarioFiles.Load("hisilicon-d05-mlx5-module"))!.Classes.Length);
    }

    /// <summary>Machines with a symmetry: the small ones that have one and the bundled scenarios that have one.</summary>
    public static TheoryData<string> SymmetricMachines() => [.. SymmetricNames()];

    private static List<string> SymmetricNames()
    {
        var names = new List<string>();
        foreach (var (name, _) in SmallMachines.All)
            if (Symmetry.Of(SmallMachines.Load(name)) is not null)
                names.Add(name);
        foreach (var file in Directory.GetFiles(ScenarioFiles.Directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (Symmetry.Of(ScenarioFiles.Load(name)) is not null && !names.Contains(name))
                names.Add(name);
        }
        return names;
    }

    [Fact]
    public void Some_machines_have_symmetries()
    {
        var names = SymmetricNames();
        Assert.Contains("twin-ports", names);
        Assert.Contains("hisilicon-d05-builtin", names);
    }

    private static Machine LoadAny(string name) => SmallMachines.All.Any(x => x.Name == name) ? SmallMachines.Load(name) : ScenarioFiles.Load(name);

    /// <summary>
    /// Every exchange of two blocks of a class is an automorphism of the semantics: along random
    /// walks (fault injections and userspace included), the exchanged world enables the exchanged
    /// events, each of its steps leads to the exchange of the original step's world (plain
    /// fingerprint: every list in its exact order), every invariant gives the same verdict, and
    /// the symmetric fingerprint does not change.
    /// </summary>
    [Theory]
    [MemberData(nameof(SymmetricMachines))]
    public void Exchanging_blocks_commutes_with_every_step_and_keeps_every_verdict(string name)
    {
        foreach (var variant in ReductionTests.VariantNames)
        {
            var m = ReductionTests.Under(LoadAny(name), variant);
            var s = Symmetry.Of(m)!;
            var exchanges = new List<Permutation>();
            foreach (var c in s.Classes)
                for (int j = 1; j < c.Length; j++)
                {
                    var p = new Permutation(m.Devices.Length, m.Drivers.Length, m.Iommus.Length);
                    p.Move(c[0], c[j]);
                    p.Move(c[j], c[0]);
                    exchanges.Add(p);
                }
            var config = GenConfig.Default.WithFaults();
            var random = new Random(15);
            int checkedSteps = 0;
            for (int walk = 0; walk < 12; walk++)
            {
                var w = Successors.Stored(Kernel.Boot(m));
                for (int step = 0; step < 45; step++)
                {
                    var events = Successors.Events(w, config).ToList();
                    if (events.Count == 0)
                        break;
                    foreach (var p in exchanges)
                    {
                        var pw = Symmetry.Apply(w, p);
                        Assert.Equal(Fingerprint.Of(w, reduce: true, clusters: false, symmetric: true), Fingerprint.Of(pw, reduce: true, clusters: false, symmetric: true));
                        var mapped = events.Select(e => EventText.Format(m, Symmetry.Map(e, p))).Order(StringComparer.Ordinal);
                        Assert.Equal(mapped, Successors.Events(pw, config).Select(e => EventText.Format(m, e)).Order(StringComparer.Ordinal));
                        foreach (var e in events.Where((_, i) => i % 3 == step % 3))
                        {
                            var after = Kernel.Step(w, e);
                            var pe = Symmetry.Map(e, p);
                            var pafter = Kernel.Step(pw, pe);
                            Assert.True(Fingerprint.Of(Symmetry.Apply(after, p)) == Fingerprint.Of(pafter),
                                $"{name} ({variant}): {EventText.Format(m, e)} and its exchange {EventText.Format(m, pe)} lead to worlds the exchange does not map onto each other");
                            var view = new StepView(w, e, after);
                            var pview = new StepView(pw, pe, pafter);
                            foreach (var inv in Catalogue.All)
                                Assert.True(inv.Check(view) is null == inv.Check(pview) is null,
                                    $"{name} ({variant}): {inv.Name} tells {EventText.Format(m, e)} from its exchange {EventText.Format(m, pe)}");
                            checkedSteps++;
                        }
                    }
                    w = Successors.Stored(Kernel.Step(w, events[random.Next(events.Count)]));
                }
            }
            Assert.True(checkedSteps > 100, $"{name} ({variant}): {checkedSteps} steps compared");
        }
    }

    /// <summary>
    /// The bisimulation one step deep: worlds reachable within a few events (told apart exactly),
    /// grouped by symmetric fingerprint; in each group every world has the same multiset of
    /// (successor's symmetric fingerprint, properties broken) over its enabled events. On the
    /// machines with a symmetry, some group must hold two worlds an exchange relates.
    /// </summary>
    [Theory]
    [MemberData(nameof(SymmetricMachines))]
    public void Worlds_with_one_symmetric_fingerprint_step_alike(string name)
    {
        var m = LoadAny(name);
        int maxDepth = m.Devices.Length > 12 ? 4 : 6;
        ulong Sym(World w) => Fingerprint.Of(w, reduce: true, clusters: false, symmetric: true);
        var groups = ReductionTests.GroupReachable(m, maxDepth, Sym, seenLimit: 20_000, perGroup: 4);
        int compared = 0, exchanged = 0;
        foreach (var members in groups.Values.Where(g => g.Count > 1))
        {
            var first = Outcomes(members[0]);
            var reducedFirst = Fingerprint.Of(members[0], reduce: true);
            foreach (var other in members.Skip(1))
            {
                Assert.Equal(first, Outcomes(other));
                compared++;
                if (Fingerprint.Of(other, reduce: true) != reducedFirst)
                    exchanged++;
            }
        }
        Assert.True(exchanged > 0, $"{name}: no two worlds only an exchange relates ({compared} compared)");

        string Outcomes(World w)
        {
            var parts = new List<string>();
            foreach (var e in Successors.Events(w, GenConfig.Default))
            {
                var after = Kernel.Step(w, e);
                var view = new StepView(w, e, after);
                parts.Add($"{Sym(Successors.Stored(after)):x16} [{string.Join(",", Catalogue.All.Where(i => i.Check(view) is not null).Select(i => i.Name))}]");
            }
            return string.Join("\n", parts.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(ReductionTests.Cases), MemberType = typeof(ReductionTests))]
    public void Symmetric_reduced_and_plain_bfs_break_the_same_properties_at_the_same_shortest_length(string name, int depth, string variant)
    {
        var m = ReductionTests.Under(SmallMachines.Load(name), variant);
        var plain = StateSpace.Explore(m, Options(depth, reduce: false, symmetry: false));
        var reduced = StateSpace.Explore(m, Options(depth, reduce: true, symmetry: false));
        var symmetric = StateSpace.Explore(m, Options(depth, reduce: true, symmetry: true));
        Assert.Equal(Lengths(plain), Lengths(symmetric));
        Assert.Equal(Lengths(reduced), Lengths(symmetric));
        Assert.Equal(plain.Complete, symmetric.Complete);
        Assert.True(symmetric.States <= reduced.States, $"{symmetric.States} symmetric states, {reduced.States} reduced");
        if (Symmetry.Of(m) is not null && plain.Complete)
            Assert.True(symmetric.States < reduced.States, $"{name} ({variant}): the symmetry merged nothing ({symmetric.States} states)");
    }

    public static TheoryData<string> BundledScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ScenarioFiles.Directory, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(BundledScenarios))]
    public void On_every_bundled_scenario_symmetric_and_plain_bfs_break_the_same_properties_at_the_same_shortest_length(string name)
    {
        var m = ScenarioFiles.Load(name);
        int depth = m.Devices.Length > 12 ? 4 : 6;
        var plain = StateSpace.Explore(m, Options(depth, reduce: false, symmetry: false));
        var symmetric = StateSpace.Explore(m, Options(depth, reduce: true, symmetry: true));
        Assert.Equal(Lengths(plain), Lengths(symmetric));
        Assert.Equal(plain.Complete, symmetric.Complete);
        var faults = Options(depth - 1, reduce: false, symmetry: false) with { Gen = GenConfig.Default.WithFaults() };
        Assert.Equal(Lengths(StateSpace.Explore(m, faults)), Lengths(StateSpace.Explore(m, faults with { Reduce = true, Symmetry = true })));
    }

    [Fact]
    public void On_the_d05_symmetric_bfs_finds_the_six_event_counterexample_in_fewer_states()
    {
        var m = D05.Builtin();
        var one = new ExploreOptions([GroupInvariants.NonAcsSiblingsShareGroup], Strategy.Bfs, 6, null, Shard.Whole, GenConfig.Default);
        var reduced = StateSpace.Explore(m, one with { Symmetry = false });
        var symmetric = StateSpace.Explore(m, one);
        Assert.Equal(6, Assert.Single(reduced.Found).Events.Length);
        Assert.Equal(6, Assert.Single(symmetric.Found).Events.Length);
        Assert.True(symmetric.States * 3 < reduced.States, $"{symmetric.States} symmetric states, {reduced.States} reduced");
        // The reported path is a real run: replayed from boot it breaks the property at its last step.
        var path = Assert.Single(symmetric.Found).Events;
        var w = Kernel.Boot(m);
        for (int i = 0; i < path.Length; i++)
        {
            Assert.True(Kernel.IsEnabled(w, path[i]));
            var after = Kernel.Step(w, path[i]);
            Assert.Equal(i == path.Length - 1, GroupInvariants.NonAcsSiblingsShareGroup.Check(new StepView(w, path[i], after)) is not null);
            w = after;
        }
    }
}
