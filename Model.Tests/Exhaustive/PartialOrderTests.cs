using System.Collections.Immutable;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Exhaustive;

/// <summary>
/// `explore --por` against plain BFS with fault injections on (the only events the reduction
/// reorders): the same states within the depth bound, and the same violations at the same depth,
/// shrinking to the same size (docs/explore.md, "Partial-order reduction").
/// </summary>
public class PartialOrderTests
{
    /// <summary>Never fires: the search then runs to its depth bound, so visited sets compare whole.</summary>
    private static readonly Invariant Never = new("Never", "nothing", _ => null);

    /// <summary>Machine, depth bound, and how many properties plain BFS breaks within it.</summary>
    public static TheoryData<string, int, int> Machines => new()
    {
        { "probe-deferral-basic", 8, 2 },
        { "smmu-context-exhaustion", 6, 0 },
        { "arm32-ipmmu-teardown", 6, 1 },
        { "modular-smmu-dt", 7, 2 },
        { "split-group", 6, 1 },
    };

    private static Machine Load(string name) => name == "split-group" ? SmallMachines.SplitGroup() : ScenarioFiles.Load(name);

    private static ExploreOptions Options(ImmutableArray<Invariant> invariants, int depth, bool por) =>
        new ExploreOptions(invariants, Strategy.Bfs, depth, null, Shard.Whole, GenConfig.Default.WithFaults(), KeepVisited: true, PartialOrder: por)
            with { Symmetry = false }; // --por turns symmetry off: compare it with the reduced fingerprint alone

    [Theory]
    [MemberData(nameof(Machines))]
    public void Por_visits_exactly_the_states_of_plain_bfs_with_fewer_transitions(string name, int depth, int _)
    {
        var m = Load(name);
        var plain = StateSpace.Explore(m, Options([Never], depth, por: false));
        var por = StateSpace.Explore(m, Options([Never], depth, por: true));
        Assert.Equal(plain.States, por.States);
        Assert.Equal(plain.Visited.Length, por.Visited.Length);
        Assert.Empty(plain.Visited.Except(por.Visited));
        Assert.Empty(por.Visited.Except(plain.Visited));
        Assert.True(por.Transitions < plain.Transitions, $"{por.Transitions} transitions with POR, {plain.Transitions} without");
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void Por_finds_the_same_violations_at_the_same_depth_shrinking_to_the_same_size(string name, int depth, int broken)
    {
        var m = Load(name);
        var plain = StateSpace.Explore(m, Options(Catalogue.All, depth, por: false));
        Assert.Equal(broken, plain.Found.Length);
        var por = StateSpace.Explore(m, Options(Catalogue.All, depth, por: true));
        Assert.Equal(plain.Found.Select(c => c.Violation.Property), por.Found.Select(c => c.Violation.Property));
        foreach (var (a, b) in plain.Found.Zip(por.Found))
        {
            Assert.Equal(a.Events.Length, b.Events.Length);
            var inv = Catalogue.All.Single(i => i.Name == a.Violation.Property);
            Assert.Equal(a.Shrink(inv).Shrunk.Events.Length, b.Shrink(inv).Shrunk.Events.Length);
        }
    }

    [Fact]
    public void The_machines_include_deferred_work_and_two_iommus()
    {
        var machines = Machines.Select(row => Load((string)row[0])).ToList();
        Assert.Contains(machines, m => m.Iommus.Length >= 2);
        Assert.Contains(machines, DefersWithinSixEvents);
    }

    private static bool DefersWithinSixEvents(Machine m)
    {
        var level = new List<World> { Kernel.Boot(m) };
        for (int depth = 0; depth < 6; depth++)
        {
            if (level.Any(w => !w.DeferredPending.IsEmpty))
                return true;
            level = [.. level.SelectMany(w => Successors.Events(w, GenConfig.Default).Select(e => Kernel.Step(w, e))).Take(5000)];
        }
        return level.Any(w => !w.DeferredPending.IsEmpty);
    }
}
