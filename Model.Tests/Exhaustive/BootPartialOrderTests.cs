using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;
using Checker.Model.Tests.Support;

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
        new ExploreOptions(Catalogue.All, Strategy.Bfs, depth, null, Shard.Whole, GenConfig.Default, PartialOrder: por) with { Reduce = por, Decompose = false };

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
    /// On the D05 the shortest counterexample of NonAcsSiblingsShareGroup is six boot events (the
    /// MosChip functions probed by `serial` once `arm-smmu-v3` is up, before `pcieport` has probed
    /// their root port). After its fifth, the smallest closed set is the platform SMMU's cluster;
    /// taking it would make `register serial` wait for that cluster's seven events, and a run
    /// with --por bounded at 6 to 8 found nothing where plain BFS finds the violation at 6. The
    /// set holding the cluster of the device added last is taken instead, so every step of the
    /// shortest path is in its state's persistent set, and --por finds it at 6.
    /// </summary>
    [Fact]
    public void On_the_d05_every_step_of_the_shortest_counterexample_is_in_its_persistent_set()
    {
        var m = D05();
        string[] shortest = ["add arm-smmu-v3.0.auto", "add 0002:f8:00.0", "add 0002:f9:00.0", "add 0002:f9:00.1", "register arm-smmu-v3", "register serial"];
        var w = Kernel.Boot(m);
        var kept = new List<bool>();
        var sizes = new List<int>();
        var ample = new List<(EventKind, Event)>();
        StepView step = default;
        foreach (var text in shortest)
        {
            var e = EventText.Parse(m, text).Event!;
            ample.Clear();
            EventGen.Candidates(w, GenConfig.Default, ample);
            int all = ample.Count;
            PartialOrder.BootAmple(w, ample);
            kept.Add(ample.Any(c => c.Item2.Equals(e)));
            sizes.Add(all - ample.Count);
            var after = Kernel.Step(w, e);
            step = new StepView(w, e, after);
            w = after;
        }
        Assert.NotNull(Catalogue.All.Single(i => i.Name == "NonAcsSiblingsShareGroup").Check(step));
        Assert.Equal([true, true, true, true, true, true], kept);
        // The last state's set still leaves events out (the platform SMMU's cluster): the reduction is not lost.
        Assert.True(sizes[^1] > 0, $"left out at the last step: {sizes[^1]}");
    }

    [Fact]
    public void On_the_d05_por_finds_the_shortest_counterexample_at_its_plain_bfs_length()
    {
        var nonAcs = Catalogue.All.Where(i => i.Name == "NonAcsSiblingsShareGroup").ToImmutableArray();
        var por = StateSpace.Explore(D05(), Options(6, por: true) with { Invariants = nonAcs });
        Assert.Equal("NonAcsSiblingsShareGroup@6", Lengths(por));
    }

    private static Machine D05()
    {
        var path = System.IO.Path.Combine(ScenarioFiles.RepoRoot, "scenarios", "hisilicon-d05-builtin.yaml");
        return Checker.Model.Scenario.ScenarioLoader.Load(path, File.ReadAllText(path));
    }

    [Fact]
    public void Por_takes_states_and_transitions_away_on_a_machine_with_several_clusters()
    {
        var m = SmallMachines.Load("twin-ports");
        var plain = StateSpace.Explore(m, Options(9, por: false) with { Invariants = [Never], Reduce = true, Symmetry = false });
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

    /// <summary>
    /// Two DT SMMUs, each with its own modular driver, under fw_devlink=on: the masters wait for
    /// their SMMU's device through late_initcall and after it, in two clusters at once.
    /// </summary>
    private static Machine TwoModularSmmus() => new MachineBuilder(Arch.Arm64)
        .Variant("fw-devlink", "on")
        .Iommu("smmu-a", "a.iommu", "smmu-a")
        .Iommu("smmu-c", "c.iommu", "smmu-c")
        .Platform("a.iommu")
        .Platform("c.iommu")
        .Platform("a1.dma", iommu: "smmu-a")
        .Platform("c1.dma", iommu: "smmu-c")
        .Platform("c2.dma", iommu: "smmu-c")
        .Driver("smmu-a", BusKind.Platform, ["a.iommu"], module: true)
        .Driver("smmu-c", BusKind.Platform, ["c.iommu"], module: true)
        .Driver("dma-a", BusKind.Platform, ["a1.dma"])
        .Driver("dma-c", BusKind.Platform, ["c1.dma", "c2.dma"])
        .Script("boot")
        .Build("two-modular-smmus");

    /// <summary>
    /// Why the cluster fingerprint needs deferrals that end at late_initcall: after boots that
    /// deferred the masters as c1, a1, c2 and as a1, c1, c2 (one cluster order, c1 before c2),
    /// loading smmu-a and running the deferred work binds a1 and leaves c1 and c2 deferred, in
    /// the first world as c2, c1 (a1's bind moved c1, already retried, behind c2) and in the second
    /// as c1, c2. The two worlds before the work have the same futures only up to that order, which
    /// the next pass's probe order (and so grouping) follows; so this machine is not cluster-reduced,
    /// and its cluster fingerprint keeps the lists' whole order.
    /// </summary>
    [Fact]
    public void A_bind_in_one_cluster_reorders_the_deferrals_of_another()
    {
        var m = TwoModularSmmus();
        int Dev(string name) => m.DeviceIndex(name);
        int Drv(string name) => m.DriverIndex(name);
        World Run(params string[] masters)
        {
            var w = Kernel.Boot(m);
            foreach (var e in new Event[] { new AddDevice(Dev("a.iommu")), new AddDevice(Dev("c.iommu")),
                         new RegisterDriver(Drv("dma-a")), new RegisterDriver(Drv("dma-c")) }
                         .Concat(masters.Select(x => (Event)new AddDevice(Dev(x))))
                         .Append(new LateInitcall()).Append(new Modprobe(Drv("smmu-a"))))
            {
                Assert.True(Kernel.IsEnabled(w, e), e.ToString());
                w = Kernel.Step(w, e);
            }
            return w;
        }
        var first = Run("c1.dma", "a1.dma", "c2.dma");
        var second = Run("a1.dma", "c1.dma", "c2.dma");
        int[] InCluster(World w) => [.. w.DeferredPending.Concat(w.DeferredActive).Where(d => m.Devices[d].Name.StartsWith('c'))];
        Assert.Equal(InCluster(first), InCluster(second));
        Assert.NotEqual([.. first.DeferredActive], [.. second.DeferredActive]);
        var firstAfter = Kernel.Step(first, new DeferredWork());
        var secondAfter = Kernel.Step(second, new DeferredWork());
        Assert.True(firstAfter.Device(Dev("a1.dma")).IsBound && secondAfter.Device(Dev("a1.dma")).IsBound);
        Assert.Equal([Dev("c2.dma"), Dev("c1.dma")], [.. firstAfter.DeferredPending]);
        Assert.Equal([Dev("c1.dma"), Dev("c2.dma")], [.. secondAfter.DeferredPending]);
        // So this machine is not reduced by cluster, and the worlds before the work stay apart.
        var r = Reduction.Of(m)!;
        Assert.True(r.ProbesSucceed);
        Assert.Equal(2, r.Clusters);
        Assert.False(r.DeferralsEndAtLateInitcall);
        Assert.NotEqual(Fingerprint.Of(first, reduce: true, clusters: true), Fingerprint.Of(second, reduce: true, clusters: true));
    }

    [Fact]
    public void The_d05_and_the_twin_ports_are_reduced_by_cluster()
    {
        Assert.True(Reduction.Of(SmallMachines.Load("twin-ports"))!.DeferralsEndAtLateInitcall);
        Assert.True(Reduction.Of(ScenarioFiles.Load("hisilicon-d05-builtin"))!.DeferralsEndAtLateInitcall);
        Assert.False(Reduction.Of(ReductionTests.Under(SmallMachines.Load("twin-ports"), "parent-link"))!.DeferralsEndAtLateInitcall);
    }
}
