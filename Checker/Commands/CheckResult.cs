using Checker.Cli.Rendering;
using Checker.Model.State;
using Checker.Properties.Exploration;

namespace Checker.Cli.Commands;

/// <summary>What `check` found: a pass summary, or a shrunk counterexample report.</summary>
public sealed record CheckResult(string Scenario, Variants Variants, ulong Seed, CheckOutcome Outcome, CounterexampleReport? Report)
{
    public static CheckResult From(string path, Machine machine, CheckOptions options, CheckOutcome outcome, string replay)
    {
        if (outcome.Found is not { } found)
            return new CheckResult(path, machine.Variants, options.Seed, outcome, null);
        var invariant = options.Invariants.First(i => i.Name == found.Violation.Property);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (test, original, shrunk, stats) = outcome.ShrinkBest(invariant)!.Value;
        var report = new CounterexampleReport(path, machine.Variants, options.Seed, test, original.Events.Length, shrunk, replay,
            new CheckStats(outcome.Tests, outcome.Steps, stats.Tried, outcome.Milliseconds + clock.ElapsedMilliseconds));
        return new CheckResult(path, machine.Variants, options.Seed, outcome, report);
    }

    public string Text() => Report?.Text()
        ?? $"checker: passed: {Outcome.Tests} orderings, {Outcome.Steps} steps, no invariant broken (seed {Seed}).\n";

    public string Json() => JsonOut.Write(w =>
    {
        if (Report is not null)
        {
            Report.WriteJson(w);
            return;
        }
        w.WriteStartObject();
        w.WriteString("status", "passed");
        w.WriteString("scenario", Scenario);
        CounterexampleReport.WriteVariants(w, Variants);
        w.WriteNull("property");
        w.WriteNumber("seed", Seed);
        w.WriteStartArray("events");
        w.WriteEndArray();
        w.WriteStartArray("devices");
        w.WriteEndArray();
        w.WriteStartArray("bootLog");
        w.WriteEndArray();
        w.WriteNull("replay");
        w.WriteStartObject("stats");
        w.WriteNumber("tests", Outcome.Tests);
        w.WriteNumber("steps", Outcome.Steps);
        w.WriteNumber("shrinkSteps", 0);
        w.WriteNumber("milliseconds", Outcome.Milliseconds);
        w.WriteEndObject();
        w.WriteEndObject();
    });
}
