using System.Collections.Immutable;
using Checker.Model.Tests.Support;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;
using Xunit.Abstractions;

namespace Checker.Model.Tests.Exploration;

public class D05CheckTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(7UL)]
    public void Random_search_finds_the_split_group_and_shrinks_it_to_six_events(ulong seed)
    {
        var inv = GroupInvariants.NonAcsSiblingsShareGroup;
        var outcome = Explorer.Check(D05.Builtin(), new CheckOptions([inv], seed, 1000, null, GenConfig.Default));
        Assert.NotNull(outcome.Found);
        var (shrunk, stats) = outcome.Found!.Shrink(inv);
        output.WriteLine($"tests {outcome.Tests} steps {outcome.Steps} shrink tried {stats.Tried} accepted {stats.Accepted}");
        foreach (var e in shrunk.AsCandidate.EventTexts)
            output.WriteLine(e);
        foreach (var d in shrunk.Machine.Devices)
            output.WriteLine("dev " + d.Name);
        Assert.True(shrunk.Events.Length <= 6);
    }
}
