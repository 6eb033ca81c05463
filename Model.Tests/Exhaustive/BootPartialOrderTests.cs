using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Exhaustive;

/// <summary>
/// `explore --por` without fault injections (docs/explore.md, "Partial-order reduction of the
/// boot"): the cluster fingerprint and the persistent sets of the boot against plain BFS (no
/// reduced fingerprint, no POR), on the twelve small machines under the default, every other
/// `groups` value and the 6.15 era; and, one step deep, worlds with one cluster fingerprint step alike.
/// </summary>
public class BootPartialOrderTests
{
    private static ExploreOptions Options(int depth, bool por) =>
        new ExploreOptions(Catalogue.All, Strategy.Bfs, depth, null, Shard.Whole, GenConfig.Default, PartialOrder: por) with { Reduce = por };

    [Theory]
    [MemberData(nameof(ReductionTests.Cases), MemberType = typeof(ReductionTests))]
    public void Por_and_plain_bfs_break_the_same_properties_at_the_same_shortest_length(string name, int depth, string variant)
    {
        var m = ReductionTests.Under(SmallMachines.Load(name), variant);
        var plain = StateSpace.Explore(m, Options(depth, por: false));
        var por = StateSpace.Explore(m, Options(depth, por: true));
        Assert.Equal(Lengths(plain), Lengths(por));
        Assert.Equal(plain.Complete, por.Complete);
        Assert.True(por.States <= plain.States, $"{por.States} states with POR, {plain.States} plain");
    }

    private static string Lengths(ExploreOutcome o) =>
        string.Join(", ", o.Found.Select(c => $"{c.Violation.Property}@{c.Events.Length}").Order(StringComparer.Ordinal));

    /// <summary>Never fires: the search runs to its depth bound.</summary>
    private static readonly Invariant Never = new("Never", "nothing", _ => null);

    /// <summary>
    /// The limit docs/explore.md states: a boot-time violation may be reported later than its
    /// shortest length. On the D05 the shortest counterexample of NonAcsSiblingsShareGroup is six
    /// boot events (the MosChip functions probed by `serial` once `arm-smmu-v3` is up, before
    /// `pcieport` has probed their root port); after its fifth, the smallest closed set is the
    /// platform SMMU's cluster, so its sixth, `register serial`, waits until that cluster's seven
    /// events are done, and a run with --por bounded below that depth does not see it.
    /// </summary>
    [Fact]
    public void On_the_d05_the_persistent_set_postpones_the_last_event_of_the_shortest_counterexample()
    {
        var path = System.IO.Path.Combine(ScenarioFiles.RepoRoot, "scenarios", "hisilicon-d05-builtin.yaml");
        var m = Checker.Model.Scenario.ScenarioLoader.Load(path, File.ReadAllText(path));
        string[] shortest = ["add arm-smmu-v3.0.auto", "add 0002:f8:00.0", "add 0002:f9:00.0", "add 0002:f9:00.1", "register arm-smmu-v3", "register serial"];
        var w = Kernel.Boot(m);
        var kept = new List<bool>();
        var last = new List<(EventKind, Event)>();
        StepView step = default;
        foreach (var text in shortest)
        {
            var e = EventText.Parse(m, text).Event!;
            last.Clear();
            EventGen.Candidates(w, GenConfig.Default, last);
            PartialOrder.BootAmple(w, last);
            kept.Add(last.Any(c => c.Item2.Equals(e)));
            var after = Kernel.Step(w, e);
            step = new StepView(w, e, after);
            w = after;
        }
        // The path is a counterexample, and of its steps only the last is left out of its state's persistent set.
        Assert.NotNull(Catalogue.All.Single(i => i.Name == "NonAcsSiblingsShareGroup").Check(step));
        Assert.Equal([true, true, true, true, true, false], kept);
        Assert.Equal(7, last.Count);
        Assert.All(last, c => Assert.DoesNotContain("0002:", EventText.Format(m, c.Item2), StringComparison.Ordinal));
    }

    [Fact]
    public void Por_takes_states_and_transitions_away_on_a_machine_with_several_clusters()
    {
        var m = SmallMachines.Load("twin-ports");
        var plain = StateSpace.Explore(m, Options(9, por: false) with { Invariants = [Never], Reduce = true });
        var por = StateSpace.Explore(m, Options(9, por: true) with { Invariants = [Never] });
        Assert.True(por.Transitions < plain.Transitions, $"{por.Transitions} transitions with POR, {plain.Transitions} without");
        Assert.True(por.States < plain.States, $"{por.States} states with POR, {plain.States} without");
    }

    [Fact]
    public void Clusters_split_the_twin_ports_by_domain_and_instance()
    {
        var m = SmallMachines.Load("twin-ports");
        var r = Reduction.Of(m)!;
        int Of(string device) => r.ClusterIndex[m.Devices.Single(d => d.Name == device).Index];
        Assert.Equal(Of("arm-smmu-v3.1.auto"), Of("0004:88:00.0"));
        Assert.Equal(Of("0007:90:00.0"), Of("0007:91:00.0"));
        Assert.NotEqual(Of("0004:88:00.0"), Of("0005:78:00.0"));
        Assert.NotEqual(Of("0004:88:00.0"), Of("0007:90:00.0"));
        Assert.Equal(3, r.Clusters);
        Assert.True(r.ProbesSucceed);
    }

    [Fact]
    public void The_boot_ample_set_is_one_cluster_once_the_shared_drivers_are_registered()
    {
        var m = SmallMachines.Load("twin-ports");
        var w = Kernel.Boot(m);
        foreach (var drv in m.Drivers)
            w = Kernel.Step(w, new RegisterDriver(drv.Index));
        var candidates = new List<(EventKind, Event)>();
        EventGen.Candidates(w, GenConfig.Default, candidates);
        Assert.Equal(5, candidates.Count); // the five device adds enabled (0007:91:00.0 waits for its parent)
        PartialOrder.BootAmple(w, candidates);
        Assert.Single(candidates);
    }

    /// <summary>
    /// The cluster fingerprint is a bisimulation, one step deep: the worlds reachable within a few
    /// events (told apart exactly), grouped by cluster fingerprint; in each group every world has
    /// the same enabled events, each event leads to one cluster fingerprint, and every invariant
    /// gives the same verdict on it.
    /// </summary>
    [Theory]
    [MemberData(nameof(ReductionTests.Cases), MemberType = typeof(ReductionTests))]
    public void Worlds_with_one_cluster_fingerprint_step_alike(string name, int depth, string variant) =>
        ReductionTests.AssertStepAlike(ReductionTests.Under(SmallMachines.Load(name), variant), name, Math.Min(depth, 8),
            w => Fingerprint.Of(w, reduce: true, clusters: true), "cluster fingerprint");
}
