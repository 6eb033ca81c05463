using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Exhaustive;

/// <summary>
/// The reductions of exploration against plain BFS (docs/explore.md, "Why the reductions lose
/// nothing"): on every small machine and every variant that changes how groups form, the same
/// properties broken at the same shortest length; and, one step at a time, worlds with one
/// reduced fingerprint have the same events, successors with one reduced fingerprint, and the
/// same verdicts.
/// </summary>
public class ReductionTests
{
    /// <summary>The variants explored: the default, each other `groups` value, and the 6.15 era's defaults.</summary>
    public static readonly string[] VariantNames = ["default", "parent-link", "defer-to-parent", "walk-down", "bus-replay", "per-instance", "6.15"];

    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var (name, depth) in SmallMachines.All)
            foreach (var v in VariantNames)
                data.Add(name, depth, v);
        return data;
    }

    public static Machine Under(Machine m, string variant) => variant switch
    {
        "default" => m,
        "6.15" => m with { Variants = m.Variants.WithEra(KernelEra.V6_15) },
        _ => m with { Variants = Variants.TryWith(m.Variants, "groups", variant).Result! },
    };

    /// <summary>Never fires: the search then runs to its depth bound.</summary>
    private static readonly Invariant Never = new("Never", "nothing", _ => null);

    private static ExploreOptions Options(int depth, bool reduce) =>
        new ExploreOptions(Catalogue.All, Strategy.Bfs, depth, null, Shard.Whole, GenConfig.Default) with { Reduce = reduce, Decompose = false };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reduced_and_plain_bfs_break_the_same_properties_at_the_same_shortest_length(string name, int depth, string variant)
    {
        var m = Under(SmallMachines.Load(name), variant);
        var plain = StateSpace.Explore(m, Options(depth, reduce: false));
        var reduced = StateSpace.Explore(m, Options(depth, reduce: true));
        Assert.Equal(Lengths(plain), Lengths(reduced));
        Assert.Equal(plain.Complete, reduced.Complete);
        Assert.True(reduced.States <= plain.States, $"{reduced.States} reduced states, {plain.States} plain");
    }

    private static string Lengths(ExploreOutcome o) =>
        string.Join(", ", o.Found.Select(c => $"{c.Violation.Property}@{c.Events.Length}").Order(StringComparer.Ordinal));

    [Fact]
    public void The_reduction_takes_states_away_on_the_machines_with_order_to_forget()
    {
        foreach (var name in new[] { "twin-ports", "split-group", "sriov-module" })
        {
            var m = SmallMachines.Load(name);
            var plain = StateSpace.Explore(m, Options(9, reduce: false) with { Invariants = [Never] });
            var reduced = StateSpace.Explore(m, Options(9, reduce: true) with { Invariants = [Never] });
            Assert.True(reduced.States < plain.States, $"{name}: {reduced.States} reduced states, {plain.States} plain");
        }
    }

    [Fact]
    public void There_are_at_least_ten_machines_and_they_break_properties()
    {
        Assert.True(SmallMachines.All.Count >= 10);
        int broken = SmallMachines.All.Sum(x => StateSpace.Explore(SmallMachines.Load(x.Name), Options(x.Depth, reduce: true)).Found.Length);
        Assert.True(broken >= 5, $"{broken} violations in all");
    }

    /// <summary>
    /// The bisimulation itself, one step deep: the worlds reachable within a few events (told
    /// apart exactly), grouped by reduced fingerprint; in each group every world has the same
    /// enabled events, each event leads to one reduced fingerprint, and every invariant gives
    /// the same verdict (broken or not) on it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Worlds_with_one_reduced_fingerprint_step_alike(string name, int depth, string variant) =>
        AssertStepAlike(Under(SmallMachines.Load(name), variant), name, Math.Min(depth, 7), w => Fingerprint.Of(w, reduce: true), "reduced fingerprint");

    /// <summary>
    /// The worlds of M reachable within MAXDEPTH events (told apart exactly), grouped by
    /// ABSTRACTION: in each group every world has the same <see cref="Signature"/>. On the machines
    /// with order to forget, some group must have two worlds, or the test compared nothing.
    /// </summary>
    internal static void AssertStepAlike(Machine m, string name, int maxDepth, Func<World, ulong> abstraction, string what)
    {
        var groups = GroupReachable(m, maxDepth, abstraction, seenLimit: 40_000);
        int compared = 0;
        foreach (var members in groups.Values.Where(g => g.Count > 1))
        {
            var first = Signature(members[0], abstraction);
            foreach (var other in members.Skip(1))
            {
                Assert.Equal(first, Signature(other, abstraction));
                compared++;
            }
        }
        if (name is "twin-ports" or "split-group" or "sriov-module")
            Assert.True(compared > 0, $"no two worlds share a {what}: the test compared nothing");
    }

    /// <summary>
    /// The worlds of M reachable within MAXDEPTH events (told apart exactly, breadth first, until
    /// SEENLIMIT worlds are known), grouped by ABSTRACTION, at most PERGROUP worlds kept in a group.
    /// </summary>
    internal static Dictionary<ulong, List<World>> GroupReachable(Machine m, int maxDepth, Func<World, ulong> abstraction, int seenLimit, int perGroup = int.MaxValue)
    {
        var groups = new Dictionary<ulong, List<World>>();
        var seen = new HashSet<ulong>();
        var level = new List<World> { Successors.Stored(Kernel.Boot(m)) };
        seen.Add(Fingerprint.Of(level[0]));
        for (int d = 0; d < maxDepth && level.Count > 0 && seen.Count < seenLimit; d++)
        {
            var next = new List<World>();
            foreach (var w in level)
            {
                ulong r = abstraction(w);
                if (!groups.TryGetValue(r, out var members))
                    groups[r] = members = [];
                if (members.Count < perGroup)
                    members.Add(w);
                foreach (var e in Successors.Events(w, GenConfig.Default))
                {
                    var after = Successors.Stored(Kernel.Step(w, e));
                    if (seen.Add(Fingerprint.Of(after)))
                        next.Add(after);
                }
            }
            level = next;
        }
        return groups;
    }

    /// <summary>A world's enabled events and, per event, its successor's ABSTRACTION and the properties it breaks.</summary>
    private static string Signature(World w, Func<World, ulong> abstraction)
    {
        var parts = new List<string>();
        foreach (var e in Successors.Events(w, GenConfig.Default).OrderBy(e => EventText.Format(w.Machine, e), StringComparer.Ordinal))
        {
            var after = Kernel.Step(w, e);
            var view = new StepView(w, e, after);
            var broken = Catalogue.All.Where(i => i.Check(view) is not null).Select(i => i.Name);
            parts.Add($"{EventText.Format(w.Machine, e)} -> {abstraction(Successors.Stored(after)):x16} [{string.Join(",", broken)}]");
        }
        return string.Join("\n", parts);
    }
}
