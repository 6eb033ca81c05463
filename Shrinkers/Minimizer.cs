using System.Collections.Immutable;

namespace Checker.Shrinkers;

/// <summary>The result of shrinking: the smallest failing candidate found and how many candidates were tried.</summary>
public sealed record ShrinkResult(Candidate Result, int Tried, int Accepted);

/// <summary>
/// Greedy shrinking to a fixpoint: each pass tries the shrinkers in order (chunks, single events,
/// milder faults, modules to built-in, devices, drivers, instances) and restarts from the first
/// whenever a smaller candidate still fails. At the fixpoint no single event or device can be
/// removed without the failure disappearing: the result is 1-minimal.
/// </summary>
public static class Minimizer
{
    public static ShrinkResult Minimize(Candidate start, Func<Candidate, bool> stillFails, ImmutableArray<int> milderErrnos, int maxTries = 50_000)
    {
        var current = start;
        int tried = 0, accepted = 0;
        bool improved = true;
        while (improved && tried < maxTries)
        {
            improved = false;
            foreach (var candidate in Shrinks(current, milderErrnos))
            {
                if (++tried > maxTries)
                    break;
                if (candidate.Size.CompareTo(current.Size) > 0 || candidate.Events == current.Events && candidate.Machine == current.Machine)
                    continue;
                if (!stillFails(candidate))
                    continue;
                current = candidate;
                accepted++;
                improved = true;
                break;
            }
        }
        return new ShrinkResult(current, tried, accepted);
    }

    /// <summary>Every shrink of C, in the order they are tried.</summary>
    public static IEnumerable<Candidate> Shrinks(Candidate c, ImmutableArray<int> milderErrnos)
    {
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
}
