using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Invariants;

/// <summary>
/// <see cref="SequentialChecks"/>, which carries a state invariant's answer over a step that changed
/// nothing it reads, answers exactly as checking every invariant afresh on every step: on every
/// scenario, under random orderings with and without fault injection, logged and quiet.
/// </summary>
public class SequentialChecksTests
{
    public static TheoryData<string> Scenarios() => [.. ScenarioFiles.All()];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Reused_answers_are_the_fresh_answers(string scenario)
    {
        var m = ScenarioFiles.Load(scenario);
        long reused = 0;
        foreach (var config in new[] { GenConfig.Default, GenConfig.Default.WithFaults() })
            for (ulong seed = 0; seed < 12; seed++)
            {
                var w = Kernel.Boot(m) with { Quiet = seed % 2 == 1 };
                var choices = EventGen.Draw(EventGen.Choices(m, config), seed, size: 80);
                var checks = new SequentialChecks(Catalogue.All);
                // Boot first for half the runs, so that reuse meets the long runs of adds too.
                var events = seed % 3 == 0 ? [.. Kernel.BootEvents(m)] : new List<Model.Events.Event>();
                int next = 0;
                for (int step = 0; step < events.Count + choices.Length; step++)
                {
                    Model.Events.Event e;
                    if (step < events.Count)
                        e = events[step];
                    else
                    {
                        var candidates = EventGen.Candidates(w, config);
                        if (candidates.IsEmpty)
                            break;
                        e = EventGen.Pick(candidates, choices[next++]);
                    }
                    var before = w;
                    w = Kernel.Step(w, e);
                    var view = new StepView(before, e, w);
                    var fresh = Catalogue.All.Select(i => Text(i.Check(view))).ToList();
                    var got = Enumerable.Repeat("(not checked)", Catalogue.All.Length).ToList();
                    checks.Check(view, (i, v, _) =>
                    {
                        got[i] = Text(v);
                        return true;
                    });
                    for (int i = 0; i < Catalogue.All.Length; i++)
                        if (got[i] == "(not checked)")
                            got[i] = Text(null);
                    Assert.Equal(fresh, got);
                }
                reused += checks.Reused;
            }
        Assert.True(reused > 0, "no answer was carried over: the test would not see a wrong reuse");
    }

    private static string Text(Violation? v) =>
        v is null ? "-" : $"{v.Property}|{v.Message}|{string.Join(",", v.Devices)}|{string.Join("/", v.Findings.Select(f => f.Message + ":" + string.Join(",", f.Devices)))}";
}
