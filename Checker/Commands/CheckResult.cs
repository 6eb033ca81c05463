using System.Collections.Immutable;
using Checker.Cli.Documents;
using Checker.Cli.Rendering;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Verdicts;

namespace Checker.Cli.Commands;

/// <summary>What `check` found: the verdict of every property, and the shrunk counterexample of each broken one.</summary>
public sealed record CheckResult(
    string Scenario, ScenarioDocument Source, Variants Variants, CheckOptions Options, CheckOutcome Outcome,
    ImmutableArray<CounterexampleReport> Reports, ImmutableArray<PropertyVerdict> Verdicts, string Replay)
{
    public static CheckResult From(string path, ScenarioDocument source, Machine machine, CheckOptions options, CheckOutcome outcome, string replay)
    {
        var reports = outcome.AllFound.Select(f =>
        {
            var invariant = options.Invariants.First(i => i.Name == f.Counterexample.Violation.Property);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (start, shrunk, stats) = f.ShrinkBest(invariant);
            return new CounterexampleReport(path, source, machine.Variants, options.Seed, start.Ordering, start.Counterexample.Events.Length, shrunk, replay,
                new CheckStats(outcome.Tests, outcome.Steps, stats.Tried, outcome.Milliseconds + clock.ElapsedMilliseconds));
        }).ToImmutableArray();
        return new CheckResult(path, source, machine.Variants, options, outcome, reports, RunVerdicts.OfCheck(options, outcome, machine), replay);
    }

    /// <summary>The first counterexample, if any.</summary>
    public CounterexampleReport? Report => Reports.IsEmpty ? null : Reports[0];

    public Verdict Verdict => RunVerdicts.Overall(Verdicts);

    public int ExitCode => ExitCodes.Of(Verdict.Kind);

    /// <summary>
    /// Each counterexample as `replay` prints it, then, when some property is not broken, the
    /// verdict line (and each property's verdict when they differ).
    /// </summary>
    public string Text()
    {
        var text = string.Join("\n", Reports.Select(r => r.Text()));
        if (Verdicts.All(v => v.Verdict.Kind == VerdictKind.Counterexample))
            return text;
        var lines = new List<string>();
        if (Reports.Length > 0)
            lines.Add("");
        var others = Verdicts.Where(v => v.Verdict.Kind != VerdictKind.Counterexample).ToList();
        string figures = $"{Outcome.Steps} steps, seed {Options.Seed}";
        lines.Add(Verdict.Kind switch
        {
            VerdictKind.Passed => $"checker: passed: all {Outcome.Tests} orderings asked for, no invariant broken ({figures}).",
            VerdictKind.Incomplete => $"checker: incomplete: {others[0].Verdict.Reason}; no invariant broken in the orderings tried ({figures}).",
            VerdictKind.Vacuous => $"checker: vacuous: {others[0].Verdict.Reason} ({figures}).",
            _ => $"checker: {Verdict.Word}: {Verdict.Reason} ({Outcome.Tests} of {Options.MaxTests} orderings, {figures}).",
        });
        if (Reports.Length > 0 && others.Select(v => v.Verdict).Distinct().Count() == 1)
            lines.Add($"  {others[0].Verdict.Word}: {string.Join(", ", others.Select(v => v.Property))}");
        else if (Reports.Length > 0 || others.Select(v => v.Verdict.Kind).Distinct().Count() > 1)
            lines.AddRange(others.Select(v => $"  {v.Property}: {v.Verdict.Word}: {v.Verdict.Reason}"));
        return text + string.Concat(lines.Select(l => l + "\n"));
    }

    public CheckDocument ToDocument() => new(
        DocumentJson.SchemaVersion, DocumentJson.Tool, "check", Verdict.Kind, Verdict.Reason, Source, ScenarioDocuments.Variants(Variants),
        Options.Seed, Options.MaxTests, Outcome.Tests,
        [.. Verdicts.Select(v => new PropertyVerdictDocument(v.Property, v.Verdict.Kind, v.Verdict.Reason))],
        [.. Reports.Select(r => r.ToDocument())],
        Replay,
        new CheckStatsDocument(Outcome.Tests, Outcome.Steps, Outcome.Milliseconds),
        Verdict.Kind == VerdictKind.Vacuous,
        Verdict.Kind == VerdictKind.Vacuous ? Verdicts[0].Verdict.Reason : null);
}
