using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;
using Checker.Shrinkers;
using FsCheck;
using FsCheck.Fluent;

namespace Checker.Properties.Generation;

/// <summary>An event sequence on a machine: the value FsCheck generates and shrinks in a user's own properties.</summary>
public sealed record Ordering(Machine Machine, ImmutableArray<Event> Events)
{
    /// <summary>Runs the ordering with INVARIANTS checked after every step; the first violation, if any.</summary>
    public Violation? FirstViolation(params Invariant[] invariants) =>
        Exploration.Runner.Run(Machine, Events.Select(e => new TimedEvent(e, null)), [.. invariants], stopAtFirst: true).First?.Violation;

    /// <summary>Whether every event is enabled when it comes (a real ordering).</summary>
    public bool IsValid()
    {
        var w = Kernel.Boot(Machine);
        foreach (var e in Events)
        {
            if (!Kernel.IsEnabled(w, e))
                return false;
            w = Kernel.Step(w, e);
        }
        return true;
    }

    public override string ToString() => string.Join("; ", Events.Select(e => EventText.Format(Machine, e)));
}

/// <summary>
/// FsCheck integration: an <see cref="Arbitrary{T}"/> of orderings of one machine, built from the
/// same state-dependent generator and event shrinkers `check` uses, so a test project can write
/// <c>[Property] public Property Groups_are_stable(Ordering o) => ...</c> with an Arbitrary class
/// whose static method returns <c>Orderings.Of(machine)</c>.
/// </summary>
public static class Orderings
{
    public static Arbitrary<Ordering> Of(Machine machine, GenConfig? config = null) =>
        Arb.From(EventGen.Sequence(machine, config ?? GenConfig.Default).Select(events => new Ordering(machine, events)), Shrink);

    /// <summary>Smaller orderings of the same machine (chunks, then single events removed), real orderings only.</summary>
    public static IEnumerable<Ordering> Shrink(Ordering o) =>
        SequenceShrinker.RemoveChunks(o.Events).Concat(SequenceShrinker.RemoveSingles(o.Events))
            .Select(events => o with { Events = events })
            .Where(candidate => candidate.IsValid());
}
