using Checker.Cli.Rendering;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Verdicts;

namespace Checker.Cli.Commands;

/// <summary>What `check` found: a pass summary, or a shrunk counterexample report.</summary>
public sealed record CheckResult(string Scenario, Variants Variants, ulong Seed, CheckOutcome Outcome, CounterexampleReport? Report)
{
    /// <summary>The checked properties that have nothing to compare on the machine (<see cref="Vacuity"/>), with why.</summary>
    public IReadOnlyList<(string Property, string Reason)> Vacuous { get; init; } = [];

    /// <summary>Every checked property is vacuous: the run is not a pass, it shows nothing.</summary>
    public bool AllVacuous { get; init; }

    /// <summary>Why the run as a whole is vacuous.</summary>
    public string? VacuousReason { get; init; }

    public static CheckResult From(string path, Machine machine, CheckOptions options, CheckOutcome outcome, string replay)
    {
        if (outcome.Found is not { } found)
            return new CheckResult(path, machine.Variants, options.Seed, outcome, null);
        var invariant = options.Invariants.First(i => i.Name == found.Violation.Property);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (shrunk, stats) = found.Shrink(invariant);
        var report = new CounterexampleReport(path, machine.Variants, options.Seed, outcome.FailingTest, found.Events.Length, shrunk, replay,
            new CheckStats(outcome.Tests, outcome.Steps, stats.Tried, outcome.Milliseconds + clock.ElapsedMilliseconds));
        return new CheckResult(path, machine.Variants, options.Seed, outcome, report);
    }

    public string Text() => Report?.Text()
        ?? (AllVacuous
            ? $"checker: vacuous: {VacuousReason} ({Outcome.Tests} orderings, {Outcome.Steps} steps, seed {Seed}).\n"
            : $"checker: passed: {Outcome.Tests} orderings, {Outcome.Steps} steps, no invariant broken (seed {Seed}).\n");

    public string Json() => JsonOut.Write(w =>
    {
        if (Report is not null)
        {
            Report.WriteJson(w);
            return;
        }
        w.WriteStartObject();
        w.WriteString("status", AllVacuous ? "vacuous" : "passed");
        w.WriteBoolean("vacuous", AllVacuous);
        if (AllVacuous)
            w.WriteString("vacuousReason", VacuousReason);
        else
            w.WriteNull("vacuousReason");
        w.WriteStartArray("vacuousProperties");
        foreach (var (property, reason) in Vacuous)
        {
            w.WriteStartObject();
            w.WriteString("property", property);
            w.WriteString("reason", reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
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
