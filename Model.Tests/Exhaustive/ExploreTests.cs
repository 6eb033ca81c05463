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

    public static TheoryData<string, int> ShardCases() => new()
    {
        { "split-group", 2 }, { "split-group", 3 }, { "split-group", 5 },
        { "arm32-ipmmu-teardown", 2 }, { "modular-smmu-acpi", 4 },
        { "coherent-mask-overflow", 3 }, { "virtio-iommu-reload", 3 }, { "modular-smmu-dt", 4 },
    };

    private static Checker.Model.State.Machine ShardMachine(string name) => name switch
    {
        "split-group" => SmallMachines.SplitGroup(),
        "dt-module" => SmallMachines.DtModule(),
        _ => ScenarioFiles.Load(name),
    };

    [Theory]
    [MemberData(nameof(ShardCases))]
    public void Shards_split_the_frontier_and_together_cover_every_state_and_verdict_of_one_run(string name, int n)
    {
        var m = ShardMachine(name);
        const int depth = 9;
        var whole = StateSpace.Explore(m, Options(Strategy.Bfs, depth) with { OnFound = null });
        // Few frontier states per shard, so these small machines split at a shallow level.
        var shards = Enumerable.Range(0, n)
            .Select(i => StateSpace.Explore(m, Options(Strategy.Bfs, depth, new Shard(i, n)) with { FrontierPerShard = 2 })).ToList();
        Assert.True(whole.States > 20, $"{name}: {whole.States} states");
        // The union of the shards' states is exactly the plain run's.
        Assert.Equal(whole.Visited, shards.SelectMany(s => s.Visited).Distinct().Order());
        // Each shard does part of the work: the split happened.
        Assert.All(shards, s => Assert.True(s.States < whole.States, $"{name} {n}: a shard visited all {s.States} states"));
        // Verdicts agree: the same properties broken, with the same shortest counterexample length.
        var plain = whole.Found.ToDictionary(f => f.Violation.Property, f => f.Events.Length);
        var union = shards.SelectMany(s => s.Found).GroupBy(f => f.Violation.Property).ToDictionary(g => g.Key, g => g.Min(f => f.Events.Length));
        Assert.Equal(plain.OrderBy(kv => kv.Key), union.OrderBy(kv => kv.Key));
        Assert.Equal(whole.Complete, shards.All(s => s.Complete));
    }

    [Fact]
    public void A_shards_work_counts_its_prefix_as_the_levels_above_the_split_and_the_shards_keep_the_frontier_between_them()
    {
        var m = SmallMachines.SplitGroup();
        const int n = 3, depth = 9;
        var shards = Enumerable.Range(0, n)
            .Select(i => StateSpace.Explore(m, Options(Strategy.Bfs, depth, new Shard(i, n)) with { FrontierPerShard = 2 })).ToList();
        var split = shards[0].Split!;
        Assert.Null(StateSpace.Explore(m, Options(Strategy.Bfs, depth)).Split);
        // The prefix is what a plain run does above the split level, the same on every shard.
        var above = StateSpace.Explore(m, Options(Strategy.Bfs, split.Level));
        Assert.All(shards, s => Assert.Equal((split.Level, split.FrontierStates, above.States, above.Transitions),
            (s.Split!.Level, s.Split.FrontierStates, s.Split.PrefixStates, s.Split.PrefixTransitions)));
        Assert.Equal(split.FrontierStates, shards.Sum(s => s.Split!.KeptStates));
        Assert.All(shards, s => Assert.True(s.Transitions > s.Split!.PrefixTransitions));
    }

    [Theory]
    [InlineData(Strategy.Dfs)]
    [InlineData(Strategy.Random)]
    public void Swarm_members_search_in_their_own_orders_and_each_finds_the_bug(Strategy strategy)
    {
        var m = SmallMachines.SplitGroup();
        var inv = GroupInvariants.NonAcsSiblingsShareGroup;
        var members = Enumerable.Range(0, 4).Select(i => StateSpace.Explore(m, Options(strategy, 20, new Shard(i, 4), inv) with { Swarm = true })).ToList();
        Assert.All(members, s => Assert.Equal(inv.Name, Assert.Single(s.Found).Violation.Property));
        // Different seeds and event orders: the members do not all walk into the same counterexample.
        Assert.True(members.Select(s => string.Join(";", s.Found[0].Events)).Distinct().Count() > 1);
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
