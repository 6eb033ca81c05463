using System.Collections.Immutable;
using Checker.Model.State;
using Checker.Properties.Exhaustive;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;

namespace Checker.Cli.Rendering;

/// <summary>
/// What `explore` found: the counts of the run and, per broken property, the shrunk
/// counterexample in the document `check --json` writes. Everything but `stats` is a function of
/// the scenario and flags (with no time budget), whatever the number of cores.
/// </summary>
public sealed record ExploreReport(
    string Scenario, Variants Variants, ExploreOptions Options, ExploreOutcome Outcome,
    ImmutableArray<CounterexampleReport> Counterexamples, long ShrinkMilliseconds)
{
    public static ExploreReport From(string path, Machine machine, ExploreOptions options, ExploreOutcome outcome, string replay)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var reports = outcome.Found.Select(found => Shrunk(path, machine, options, found, replay)).ToImmutableArray();
        return new ExploreReport(path, machine.Variants, options, outcome, reports, clock.ElapsedMilliseconds);
    }

    /// <summary>The shrunk report of FOUND; its stats hold no wall-clock figure, so corpus files are reproducible.</summary>
    public static CounterexampleReport Shrunk(string path, Machine machine, ExploreOptions options, Counterexample found, string replay)
    {
        var invariant = options.Invariants.First(i => i.Name == found.Violation.Property);
        var (shrunk, stats) = found.Shrink(invariant);
        return new CounterexampleReport(path, machine.Variants, options.Seed, 0, found.Events.Length, shrunk, replay,
            new CheckStats(0, found.Events.Length, stats.Tried, 0));
    }

    public string Text()
    {
        var o = Outcome;
        var head = $"checker: explored {o.States} states ({o.Transitions} transitions) to depth {o.Depth} "
            + $"by {Options.Strategy.ToString().ToLowerInvariant()}{(Options.Shard.Count > 1 ? $", shard {Options.Shard}" : "")}"
            + (o.Complete ? ", the whole space within the bound" : "") + "\n";
        if (Counterexamples.IsEmpty)
            return head + "checker: passed: no invariant broken.\n";
        return head + string.Concat(Counterexamples.Select(r => "\n" + r.Text()));
    }

    public string Json() => JsonOut.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("status", Counterexamples.IsEmpty ? "passed" : "counterexample");
        w.WriteString("scenario", Scenario);
        CounterexampleReport.WriteVariants(w, Variants);
        w.WriteString("strategy", Options.Strategy.ToString().ToLowerInvariant());
        w.WriteNumber("maxDepth", Options.MaxDepth);
        w.WriteString("shard", Options.Shard.ToString());
        JsonOut.StringArray(w, "properties", Options.Invariants.Select(i => i.Name));
        w.WriteNumber("states", Outcome.States);
        w.WriteNumber("transitions", Outcome.Transitions);
        w.WriteNumber("depth", Outcome.Depth);
        w.WriteBoolean("complete", Outcome.Complete);
        w.WriteStartArray("counterexamples");
        foreach (var r in Counterexamples)
            r.WriteJson(w);
        w.WriteEndArray();
        w.WriteStartObject("stats");
        w.WriteNumber("milliseconds", Outcome.Milliseconds);
        w.WriteNumber("shrinkMilliseconds", ShrinkMilliseconds);
        w.WriteNumber("statesPerSecond", Outcome.Milliseconds == 0 ? 0 : Outcome.States * 1000 / Outcome.Milliseconds);
        w.WriteNumber("visitedSetBytes", Outcome.VisitedBytes);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>A JUnit report: one test case per property, failed with its counterexample or passed.</summary>
    public string Junit(ImmutableArray<Invariant> invariants) =>
        JunitXml.Write(new JunitSuite($"checker explore {Scenario} shard {Options.Shard}",
            [.. invariants.Select(inv => Counterexamples.FirstOrDefault(r => r.Property == inv.Name) is { } r
                ? Rendering.Junit.Failed(Scenario, inv.Name, r)
                : new JunitCase(Scenario, inv.Name, JunitOutcome.Passed))],
            (Outcome.Milliseconds + ShrinkMilliseconds) / 1000.0));
}
