using Checker.Model.Events;
using Checker.Model.Scenario;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Generation;

namespace Checker.Model.Tests.Generation;

/// <summary>
/// EventGen.Candidates leaves out, before making them, candidates that Step is sure to refuse
/// (userspace and hotplug kinds before the initcalls are done, adds below an absent parent): on
/// random walks of every bundled scenario and of the 200-device bench machine, with and without
/// fault injection, it is exactly the unfiltered candidates of EventGen.Enabled that weigh
/// something and that Kernel.IsEnabled accepts, in the same order, with the same weights.
/// </summary>
public class CandidatesTests
{
    public static IEnumerable<object[]> Machines() =>
        ScenarioFiles.All().Select(s => new object[] { s }).Append(["big-200"]);

    private static Machine Load(string name)
    {
        if (name != "big-200")
            return ScenarioFiles.Load(name);
        var path = System.IO.Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", "big", "big-200.yaml");
        return ScenarioLoader.Load("Model.Tests/Fixtures/big/big-200.yaml", File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void Candidates_are_the_enabled_events_that_weigh_something(string scenario)
    {
        var m = Load(scenario);
        foreach (var config in new[] { GenConfig.Default, GenConfig.Default.WithFaults() })
        {
            var weights = config.Weights;
            for (int walk = 0; walk < 4; walk++)
            {
                var rng = new Random(walk * 7919 + scenario.Length);
                var w = Kernel.Boot(m) with { Quiet = true };
                for (int step = 0; step < 400; step++)
                {
                    var got = EventGen.Candidates(w, config);
                    var expected = EventGen.Enabled(w)
                        .Where(c => weights.GetValueOrDefault(c.Kind) > 0 && Kernel.IsEnabled(w, c.Event))
                        .Select(c => (weights[c.Kind], c.Event))
                        .ToList();
                    Assert.Equal(expected, got.ToList());
                    if (got.IsEmpty)
                        break;
                    w = Kernel.Step(w, EventGen.Pick(got, rng.Next()));
                }
            }
        }
    }
}
