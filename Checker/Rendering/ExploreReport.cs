using System.Collections.Immutable;
using System.Xml.Linq;
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
    /// <summary>The explored properties that have nothing to compare on the machine, with why (<see cref="Properties.Verdicts.Vacuity"/>).</summary>
    public IReadOnlyList<(string Property, string Reason)> Vacuous { get; init; } = [];

    /// <summary>Why every explored property is vacuous, or null when some is not.</summary>
    public string? VacuousReason { get; init; }

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
            return head + (VacuousReason is null ? "checker: passed: no invariant broken.\n" : $"checker: vacuous: {VacuousReason}.\n");
        return head + string.Concat(Counterexamples.Select(r => "\n" + r.Text()));
    }

    public string Json() => JsonOut.Write(w =>
    {
        w.WriteStartObject();
        bool vacuous = Counterexamples.IsEmpty && VacuousReason is not null;
        w.WriteString("status", !Counterexamples.IsEmpty ? "counterexample" : vacuous ? "vacuous" : "passed");
        w.WriteBoolean("vacuous", vacuous);
        if (vacuous)
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
    public string Junit(ImmutableArray<Invariant> invariants)
    {
        var cases = invariants.Select(inv =>
        {
            var tc = new XElement("testcase", new XAttribute("classname", Scenario), new XAttribute("name", inv.Name));
            if (Counterexamples.FirstOrDefault(r => r.Property == inv.Name) is { } r)
                tc.Add(new XElement("failure", new XAttribute("message", r.Shrunk.Violation.Message), r.Text()));
            return tc;
        }).ToList();
        var suite = new XElement("testsuite",
            new XAttribute("name", $"checker explore {Scenario} shard {Options.Shard}"),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", Counterexamples.Length),
            cases);
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
        return doc.Declaration + "\n" + doc + "\n";
    }
}
