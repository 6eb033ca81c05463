using System.Collections.Immutable;
using Checker.Cli.Documents;
using Checker.Model.State;
using Checker.Properties.Exhaustive;
using Checker.Properties.Exploration;
using Checker.Properties.Verdicts;

namespace Checker.Cli.Rendering;

/// <summary>
/// What `explore` found: the counts of the run and, per broken property, the shrunk
/// counterexample in the document `check --json` writes. Everything but `stats` is a function of
/// the scenario and flags (with no time budget), whatever the number of cores.
/// </summary>
public sealed record ExploreReport(
    string Scenario, ScenarioDocument Source, Variants Variants, ExploreOptions Options, ExploreOutcome Outcome,
    ImmutableArray<CounterexampleReport> Counterexamples, long ShrinkMilliseconds)
{
    public static ExploreReport From(string path, ScenarioDocument source, Machine machine, ExploreOptions options, ExploreOutcome outcome, string replay)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var reports = outcome.Found.Select(found => Shrunk(path, source, machine, options, found, replay)).ToImmutableArray();
        return new ExploreReport(path, source, machine.Variants, options, outcome, reports, clock.ElapsedMilliseconds) { Machine = machine };
    }

    /// <summary>The shrunk report of FOUND; its stats hold no wall-clock figure, so corpus files are reproducible.</summary>
    public static CounterexampleReport Shrunk(string path, ScenarioDocument source, Machine machine, ExploreOptions options, Counterexample found, string replay)
    {
        var invariant = options.Invariants.First(i => i.Name == found.Violation.Property);
        var (shrunk, stats) = found.Shrink(invariant);
        return new CounterexampleReport(path, source, machine.Variants, options.Seed, 0, found.Events.Length, shrunk, replay,
            new CheckStats(0, found.Events.Length, stats.Tried, 0));
    }

    /// <summary>The explored machine, for the vacuity of its properties (<see cref="Vacuity"/>).</summary>
    public Machine? Machine { get; init; }

    public ImmutableArray<PropertyVerdict> Verdicts => RunVerdicts.OfExplore(Options, Outcome, Machine);

    public Verdict Verdict => RunVerdicts.Overall(Verdicts);

    public string Text()
    {
        var o = Outcome;
        var head = $"checker: explored {o.States} states ({o.Transitions} transitions) to depth {o.Depth} "
            + $"by {Options.Strategy.ToString().ToLowerInvariant()}{(Options.Shard.Count > 1 ? $", shard {Options.Shard}" : "")}"
            + (o.Decomposed ? $", by its {o.Decomposition!.Parts.Length} parts, every reachable state at any depth"
                : o.Complete ? ", the whole space within the bound" : "") + "\n"
            + (o.Decomposition is { Decided: false } d ? $"checker: explored by parts first, which decided nothing: {d.Undecided}\n" : "");
        var verdicts = Verdicts;
        var others = verdicts.Where(v => v.Verdict.Kind != VerdictKind.Counterexample).ToList();
        var tail = new List<string>();
        if (others.Count > 0)
        {
            var first = others[0].Verdict;
            tail.Add(first.Kind == VerdictKind.Passed
                ? $"checker: {(Counterexamples.IsEmpty ? "passed" : $"passed ({others.Count} properties)")}: no invariant broken in {(o.Decomposed ? "any reachable state" : "the whole space within the bound")}."
                : $"checker: {first.Word}: {first.Reason}; {(Counterexamples.IsEmpty ? "no invariant broken in the states visited" : $"{others.Count} properties not broken in the states visited")}.");
            if (others.Any(v => v.Verdict != first))
                tail.AddRange(others.Select(v => $"  {v.Property}: {v.Verdict.Word}: {v.Verdict.Reason}"));
        }
        return head + string.Concat(Counterexamples.Select(r => "\n" + r.Text())) + (tail.Count > 0 && !Counterexamples.IsEmpty ? "\n" : "")
            + string.Concat(tail.Select(l => l + "\n"));
    }

    public ExploreDocument ToDocument() => new(
        DocumentJson.SchemaVersion, DocumentJson.Tool, "explore", Verdict.Kind, Verdict.Reason, Source, ScenarioDocuments.Variants(Variants),
        Options.Strategy.ToString().ToLowerInvariant(), Options.MaxDepth, Options.Shard.ToString(),
        Outcome.States, Outcome.Transitions, Outcome.Depth, Outcome.Complete,
        [.. Verdicts.Select(v => new PropertyVerdictDocument(v.Property, v.Verdict.Kind, v.Verdict.Reason))],
        [.. Counterexamples.Select(r => r.ToDocument())],
        new ExploreStatsDocument(Outcome.Milliseconds, ShrinkMilliseconds,
            Outcome.Milliseconds == 0 ? 0 : Outcome.States * 1000 / Outcome.Milliseconds, Outcome.VisitedBytes,
            Outcome.Split is { } w ? new ShardWorkDocument(w.Level, w.FrontierStates, w.KeptStates, w.PrefixStates, w.PrefixTransitions, Outcome.Transitions - w.PrefixTransitions) : null),
        Verdict.Kind == VerdictKind.Vacuous,
        Verdict.Kind == VerdictKind.Vacuous ? Verdicts[0].Verdict.Reason : null,
        Options.Reduce, Outcome.Levels, Options.Symmetric && Machine is not null && Symmetry.Of(Machine) is not null,
        Outcome.Decomposed, Outcome.Decomposition is { Decided: false } d ? d.Undecided : null,
        Outcome.Decomposition is { } parts ? [.. parts.Parts.Select(p => new PartDocument(p.Devices, p.States, p.Transitions, p.Depth))] : null);

    /// <summary>A JUnit report: one test case per property, failed with its counterexample, skipped when unfinished, or passed.</summary>
    public string Junit() =>
        Rendering.Junit.Document($"checker explore {Scenario} shard {Options.Shard}", Scenario, Verdicts,
            p => Counterexamples.FirstOrDefault(r => r.Property == p), (Outcome.Milliseconds + ShrinkMilliseconds) / 1000.0);

    public int ExitCode => ExitCodes.Of(Verdict.Kind);
}
