using System.Collections.Immutable;
using Checker.Model.Tests.Support;
using Checker.Properties.Exhaustive;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Exhaustive;

public class ExploreTests
{
    private static ExploreOptions Options(Strategy s, int depth = 12, Shard? shard = null, params Invariant[] invariants) =>
        new(invariants.Length == 0 ? Catalogue.All : [.. invariants], s, depth, null, shard ?? Shard.Whole, GenConfig.Default, KeepVisited: true);

    [Fact]
    public void Bfs_finds_the_split_group_in_six_events_the_size_check_shrinks_to_with_every_seed()
    {
        var m = SmallMachines.SplitGroup();
        var inv = GroupInvariants.NonAcsSiblingsShareGroup;
        var bfs = StateSpace.Explore(m, Options(Strategy.Bfs, invariants: inv));
        var shortest = Assert.Single(bfs.Found);
        Assert.Equal(6, shortest.Events.Length);
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var found = Explorer.Check(m, new CheckOptions([inv], seed, 1000, null, GenConfig.Default)).Found;
            Assert.NotNull(found);
            Assert.Equal(shortest.Events.Length, found!.Shrink(inv).Shrunk.Events.Length);
        }
    }

    [Fact]
    public void Bfs_on_the_d05_finds_the_six_event_counterexample_of_check()
    {
        var m = D05.Builtin();
        var inv = GroupInvariants.NonAcsSiblingsShareGroup;
        var options = Options(Strategy.Bfs, invariants: inv) with { KeepVisited = false };
        // Depth 6 of the D05 is millions of states; the test stops at depth 5 and checks nothing is shorter.
        var outcome = StateSpace.Explore(m, options with { MaxDepth = 5 });
        Assert.Empty(outcome.Found);
        var found = Explorer.Check(m, new CheckOptions([inv], 1, 1000, null, GenConfig.Default)).Found!;
        Assert.Equal(6, found.Shrink(inv).Shrunk.Events.Length);
    }

    [Fact]
    public void Dfs_and_random_find_what_bfs_finds_and_never_shrink_below_its_size()
    {
        var m = SmallMachines.SplitGroup();
        var inv = GroupInvariants.NonAcsSiblingsShareGroup;
        foreach (var s in new[] { Strategy.Dfs, Strategy.Random })
        {
            var found = Assert.Single(StateSpace.Explore(m, Options(s, invariants: inv)).Found);
            Assert.InRange(found.Shrink(inv).Shrunk.Events.Length, 6, found.Events.Length);
        }
    }

    [Fact]
    public void Two_shards_visit_exactly_the_states_of_one_run_with_no_overlap()
    {
        foreach (var m in new[] { SmallMachines.SplitGroup(), SmallMachines.DtModule() })
        {
            var whole = StateSpace.Explore(m, Options(Strategy.Bfs, 8, null, GroupInvariants.GroupedByOwnIommu));
            var one = StateSpace.Explore(m, Options(Strategy.Bfs, 8, new Shard(0, 2), GroupInvariants.GroupedByOwnIommu));
            var two = StateSpace.Explore(m, Options(Strategy.Bfs, 8, new Shard(1, 2), GroupInvariants.GroupedByOwnIommu));
            Assert.True(whole.States > 30, $"{m.Name}: {whole.States} states");
            Assert.Empty(one.Visited.Intersect(two.Visited));
            Assert.True(whole.Visited.SequenceEqual(one.Visited.Concat(two.Visited).Order()));
            Assert.NotEmpty(one.Visited);
            Assert.NotEmpty(two.Visited);
        }
    }

    [Fact]
    public void Shards_together_find_the_violations_of_one_run()
    {
        var m = SmallMachines.DtModule();
        var whole = StateSpace.Explore(m, Options(Strategy.Bfs, 10));
        var shards = Enumerable.Range(0, 3).Select(i => StateSpace.Explore(m, Options(Strategy.Bfs, 10, new Shard(i, 3)))).ToList();
        var names = whole.Found.Select(f => f.Violation.Property).ToHashSet();
        Assert.NotEmpty(names);
        Assert.Subset(shards.SelectMany(s => s.Found).Select(f => f.Violation.Property).ToHashSet(), names);
        Assert.Equal(whole.States, shards.Sum(s => s.States));
    }

    [Fact]
    public void Exploration_is_deterministic()
    {
        var m = SmallMachines.DtModule();
        var a = StateSpace.Explore(m, Options(Strategy.Bfs, 10));
        var b = StateSpace.Explore(m, Options(Strategy.Bfs, 10));
        Assert.Equal((a.States, a.Transitions, a.Depth), (b.States, b.Transitions, b.Depth));
        Assert.Equal(a.Visited.Length, b.Visited.Length);
        Assert.True(a.Visited.SequenceEqual(b.Visited));
        Assert.Equal(a.Found.Select(f => string.Join(",", f.AsCandidate.EventTexts)), b.Found.Select(f => string.Join(",", f.AsCandidate.EventTexts)));
    }

    [Fact]
    public void A_bfs_counterexample_replays_and_none_is_shorter()
    {
        var m = SmallMachines.DtModule();
        var bfs = StateSpace.Explore(m, Options(Strategy.Bfs, 10));
        foreach (var found in bfs.Found)
        {
            var inv = Catalogue.All.Single(i => i.Name == found.Violation.Property);
            Assert.NotNull(Counterexample.Replay(m, found.Events, inv));
            var shallower = StateSpace.Explore(m, Options(Strategy.Bfs, found.Events.Length - 1, null, inv));
            Assert.Empty(shallower.Found);
        }
    }
}
