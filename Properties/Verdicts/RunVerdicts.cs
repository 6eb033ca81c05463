using Checker.Model.State;
using System.Collections.Immutable;
using Checker.Properties.Exhaustive;
using Checker.Properties.Exploration;

namespace Checker.Properties.Verdicts;

/// <summary>The verdict of one property in a run.</summary>
public sealed record PropertyVerdict(string Property, Verdict Verdict);

/// <summary>
/// The verdicts a run earns, property by property and as a whole. `passed` only when everything
/// asked was tried: every ordering of `check`'s budget, every state of `explore` within its depth
/// bound with nothing left beyond it. A run stopped first (time budget, depth bound, Ctrl-C, the
/// first counterexample without `--all`) leaves the properties it did not finish `incomplete`,
/// with how far it got.
/// </summary>
public static class RunVerdicts
{
    /// <summary>The verdicts of a `check` (or one matrix cell).</summary>
    public static ImmutableArray<PropertyVerdict> OfCheck(CheckOptions options, CheckOutcome outcome, Machine? machine = null)
    {
        var reason = Unfinished(options, outcome);
        return [.. options.Invariants.Select(inv =>
        {
            if (outcome.AllFound.FirstOrDefault(f => f.Counterexample.Violation.Property == inv.Name) is { } f)
                return new PropertyVerdict(inv.Name, Verdict.Counterexample($"broken at ordering {f.Ordering} after {f.Counterexample.Events.Length} events"));
            if (machine is not null && Vacuity.Reason(machine, inv) is { } nothing)
                return new PropertyVerdict(inv.Name, Verdict.Vacuous(nothing));
            return new PropertyVerdict(inv.Name, reason is null
                ? Verdict.Passed($"no violation in all {outcome.Tests} orderings asked for")
                : Verdict.Incomplete(reason));
        })];
    }

    /// <summary>Why the properties not broken in a check are not passed, or null when every ordering asked was tried.</summary>
    private static string? Unfinished(CheckOptions options, CheckOutcome outcome)
    {
        string tried = $"{outcome.Tests} of {options.MaxTests} orderings tried";
        return outcome.Stop switch
        {
            CheckStop.Finished or CheckStop.EveryPropertyBroken when outcome.Tests >= options.MaxTests => null,
            CheckStop.TimeBudget => $"stopped by the {options.TimeBudgetSeconds} s time budget: {tried}",
            CheckStop.Interrupted => $"interrupted (Ctrl-C): {tried}",
            CheckStop.FirstCounterexample => $"not checked after the first counterexample: {tried} (--all checks every property)",
            _ => tried,
        };
    }

    /// <summary>The verdicts of an `explore`.</summary>
    public static ImmutableArray<PropertyVerdict> OfExplore(ExploreOptions options, ExploreOutcome outcome, Machine? machine = null)
    {
        var reason = Unfinished(options, outcome);
        return [.. options.Invariants.Select(inv =>
        {
            if (outcome.Found.FirstOrDefault(f => f.Violation.Property == inv.Name) is { } f)
                return new PropertyVerdict(inv.Name, Verdict.Counterexample($"broken after {f.Events.Length} events"));
            if (machine is not null && Vacuity.Reason(machine, inv) is { } nothing)
                return new PropertyVerdict(inv.Name, Verdict.Vacuous(nothing));
            return new PropertyVerdict(inv.Name, reason is null
                ? Verdict.Passed(outcome.Decomposed
                    ? $"no violation in any reachable state of its {outcome.Decomposition!.Parts.Length} parts ({outcome.States} states), at any depth"
                    : $"no violation in any of the {outcome.States} reachable states{(options.Shard.Count > 1 ? $" of shard {options.Shard}" : "")}")
                : Verdict.Incomplete(reason));
        })];
    }

    /// <summary>Why an exploration does not cover the space, or null when it does.</summary>
    private static string? Unfinished(ExploreOptions options, ExploreOutcome outcome)
    {
        if (outcome.Complete)
            return null;
        string reached = $"{outcome.States} states, depth {outcome.Depth} of {options.MaxDepth}";
        if (options.Cancel.IsCancellationRequested)
            return $"interrupted (Ctrl-C) after {reached}";
        if (options.TimeBudgetSeconds is double budget && outcome.Milliseconds >= budget * 1000)
            return $"stopped by the {budget} s time budget after {reached}";
        if (options.Strategy == Strategy.Random)
            return $"random walks visit part of the space only: {reached}";
        return $"the depth bound {options.MaxDepth} was reached with states left beyond it: {reached}";
    }

    /// <summary>The verdict of the run as a whole, with a reason that counts the properties of each kind.</summary>
    public static Verdict Overall(ImmutableArray<PropertyVerdict> verdicts)
    {
        var kind = VerdictKinds.Combine(verdicts.Select(v => v.Verdict.Kind));
        var counts = Enum.GetValues<VerdictKind>()
            .Select(k => (Kind: k, Count: verdicts.Count(v => v.Verdict.Kind == k)))
            .Where(c => c.Count > 0)
            .Select(c => $"{c.Count} {c.Kind.Word()}{(c.Kind == VerdictKind.Counterexample && c.Count > 1 ? "s" : "")}");
        string reason = string.Join(", ", counts);
        if (kind is VerdictKind.Incomplete or VerdictKind.Vacuous && verdicts.FirstOrDefault(v => v.Verdict.Kind == kind) is { } first)
            reason += ": " + first.Verdict.Reason;
        return new Verdict(kind, reason);
    }
}
