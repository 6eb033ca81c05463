using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;
using Checker.Model.State;

namespace Checker.Model.Tests.Exhaustive;

/// <summary>
/// A transition that breaks two properties is a counterexample of both: exploring all twelve at
/// once finds each broken property at the length exploring it alone finds it.
/// </summary>
public class AllViolationsTests
{
    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var (name, depth) in SmallMachines.All)
            foreach (var v in new[] { "default", "per-instance", "6.15" })
                data.Add(name, depth, v);
        return data;
    }

    private static ExploreOptions Options(int depth) => new(Catalogue.All, Strategy.Bfs, depth, null, Shard.Whole, GenConfig.Default);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_property_is_found_at_its_own_shortest_length_when_all_are_explored_together(string name, int depth, string variant)
    {
        var m = ReductionTests.Under(SmallMachines.Load(name), variant);
        var together = StateSpace.Explore(m, Options(depth)).Found.ToDictionary(c => c.Violation.Property, c => c.Events.Length);
        var alone = new Dictionary<string, int>();
        foreach (var inv in Catalogue.All)
            if (StateSpace.Explore(m, Options(depth) with { Invariants = [inv] }).Found.SingleOrDefault() is { } c)
                alone[inv.Name] = c.Events.Length;
        Assert.Equal(alone.OrderBy(p => p.Key, StringComparer.Ordinal), together.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    /// <summary>Two properties broken by the same step (the end of the initcalls), which no other step breaks.</summary>
    private static Invariant EndOfInitcalls(string name) =>
        new(name, "initcalls never end", s => !s.Before.InitcallsDone && s.After.InitcallsDone ? new Violation(name, "initcalls ended", []) : null);

    [Fact]
    public void A_step_that_breaks_two_properties_is_the_counterexample_of_both()
    {
        var m = SmallMachines.Load(SmallMachines.All[0].Name);
        var outcome = StateSpace.Explore(m, Options(SmallMachines.All[0].Depth) with { Invariants = [EndOfInitcalls("A"), EndOfInitcalls("B")] });
        var lengths = outcome.Found.ToDictionary(c => c.Violation.Property, c => c.Events.Length);
        Assert.Equal(2, lengths.Count);
        Assert.Equal(lengths["A"], lengths["B"]);
        Assert.Equal("B", outcome.Found.Single(c => c.Violation.Property == "B").Violation.Property);
    }
}
