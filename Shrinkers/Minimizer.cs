using System.Collections.Immutable;
using Checker.Model.Events;

namespace Checker.Shrinkers;

/// <summary>
/// The result of shrinking: the smallest failing candidate found, how many candidates were tried
/// and accepted, and the machines the accepted candidates ran on (the start's first, each new
/// machine once, smallest last), for the exact step that searches them for a shorter failure.
/// </summary>
public sealed record ShrinkResult(Candidate Result, int Tried, int Accepted)
{
    public ImmutableArray<Model.State.Machine> Machines { get; init; } = [];
}

/// <summary>
/// What the passes beyond deletion need to know about the model, given by the caller (the
/// shrinker does not know the generator): the events enabled in the state a candidate's prefix
/// of length I leads to.
/// </summary>
public delegate IEnumerable<Event> EnabledAt(Candidate c, int i);

/// <summary>
/// Shrinking to a fixpoint of several passes. The greedy pass tries the one-step shrinks in order
/// (runs of devices, chunks of events, single events, milder faults, modules to built-in,
/// devices, drivers, instances) and
/// restarts from the first whenever a smaller candidate still fails; at its fixpoint no single
/// event or device can go (1-minimal). That is not minimal: an ordering can need one event less
/// only once two events trade places, or once an event is replaced by another that was enabled
/// at the same point. So when the greedy pass is stuck the reordering passes run (each candidate
/// is strictly shorter, so the whole loop terminates): delete a pair of events; swap two adjacent
/// events and delete one; move one event elsewhere and delete one; replace one event by another
/// enabled in the same state and delete one. Any of them that helps sends the loop back to the
/// greedy pass, which prunes the machine again. The loop ends when no pass helps.
/// </summary>
public static class Minimizer
{
    public static ShrinkResult Minimize(Candidate start, Func<Candidate, bool> stillFails, ImmutableArray<int> milderErrnos, int maxTries = 50_000) =>
        Minimize(start, stillFails, milderErrnos, null, maxTries);

    public static ShrinkResult Minimize(Candidate start, Func<Candidate, bool> stillFails, ImmutableArray<int> milderErrnos, EnabledAt? enabledAt, int maxTries = 50_000)
    {
        var current = start;
        var machines = ImmutableArray.CreateBuilder<Model.State.Machine>();
        machines.Add(start.Machine);
        int tried = 0, accepted = 0;
        while (tried < maxTries)
        {
            bool improved = Accept(Shrinks(current, milderErrnos), allowSameLength: true)
                || Accept(Reorderings(current, enabledAt), allowSameLength: false);
            if (!improved)
                break;
        }
        return new ShrinkResult(current, tried, accepted) { Machines = machines.ToImmutable() };

        // The first of CANDIDATES that is no larger than the current one (strictly shorter
        // unless ALLOWSAMELENGTH), differs from it and still fails becomes the current one.
        bool Accept(IEnumerable<Candidate> candidates, bool allowSameLength)
        {
            foreach (var candidate in candidates)
            {
                if (++tried > maxTries)
                    return false;
                int order = candidate.Size.CompareTo(current.Size);
                if (order > 0 || !allowSameLength && candidate.Events.Length >= current.Events.Length
                    || candidate.Events == current.Events && candidate.Machine == current.Machine)
                    continue;
                if (!stillFails(candidate))
                    continue;
                // Kept for the exact step without the derived index (`with` does not copy it): a
                // big machine's index is many times its facts, and shrinking it accepts a
                // machine per device dropped. The machine the candidate goes on with keeps it.
                if (candidate.Machine != current.Machine)
                    machines.Add(candidate.Machine with { });
                current = candidate;
                accepted++;
                return true;
            }
            return false;
        }
    }

    /// <summary>Every one-step shrink of C, in the order they are tried.</summary>
    public static IEnumerable<Candidate> Shrinks(Candidate c, ImmutableArray<int> milderErrnos)
    {
        foreach (var m in MachineShrinker.DropDeviceChunks(c))
            yield return m;
        foreach (var e in SequenceShrinker.RemoveChunks(c.Events))
            yield return c with { Events = e };
        foreach (var e in SequenceShrinker.RemoveSingles(c.Events))
            yield return c with { Events = e };
        foreach (var e in SequenceShrinker.MilderFaults(c.Events, milderErrnos))
            yield return c with { Events = e };
        foreach (var m in MachineShrinker.ModulesToBuiltin(c))
            yield return m;
        foreach (var m in MachineShrinker.DropDevices(c))
            yield return m;
        foreach (var m in MachineShrinker.DropDrivers(c))
            yield return m;
        foreach (var m in MachineShrinker.DropIommus(c))
            yield return m;
    }

    /// <summary>
    /// The reordering shrinks of C, each one event shorter or more: pairs deleted, adjacent swaps
    /// and moves followed by a deletion, and (with ENABLEDAT) replacements followed by a deletion.
    /// </summary>
    public static IEnumerable<Candidate> Reorderings(Candidate c, EnabledAt? enabledAt)
    {
        foreach (var e in SequenceShrinker.RemovePairs(c.Events))
            yield return c with { Events = e };
        foreach (var e in SequenceShrinker.SwapThenRemove(c.Events))
            yield return c with { Events = e };
        foreach (var e in SequenceShrinker.MoveThenRemove(c.Events))
            yield return c with { Events = e };
        if (enabledAt is null)
            yield break;
        for (int i = 0; i < c.Events.Length; i++)
            foreach (var alternative in enabledAt(c, i))
                if (alternative != c.Events[i])
                    foreach (var e in SequenceShrinker.RemoveSinglesExcept(c.Events.SetItem(i, alternative), i))
                        yield return c with { Events = e };
    }
}
