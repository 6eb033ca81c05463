using System.Collections.Immutable;
using Checker.Model.Events;

namespace Checker.Shrinkers;

/// <summary>
/// Shrinks an event sequence: chunks first (halves, quarters, ...), then single events; and the
/// reordering shrinks that are tried once no deletion helps (pairs, swaps and moves each followed
/// by a deletion).
/// </summary>
public static class SequenceShrinker
{
    /// <summary>The sequence with one run of CHUNK consecutive events removed, for every chunk size from half down to 2.</summary>
    public static IEnumerable<ImmutableArray<Event>> RemoveChunks(ImmutableArray<Event> events)
    {
        for (int chunk = events.Length / 2; chunk >= 2; chunk /= 2)
            for (int start = 0; start + chunk <= events.Length; start += chunk)
                yield return events.RemoveRange(start, chunk);
    }

    /// <summary>The sequence with one event removed, last first (later events depend on earlier ones less often).</summary>
    public static IEnumerable<ImmutableArray<Event>> RemoveSingles(ImmutableArray<Event> events)
    {
        for (int i = events.Length - 1; i >= 0; i--)
            yield return events.RemoveAt(i);
    }

    /// <summary>The sequence with one event other than the one at KEEP removed, last first.</summary>
    public static IEnumerable<ImmutableArray<Event>> RemoveSinglesExcept(ImmutableArray<Event> events, int keep)
    {
        for (int i = events.Length - 1; i >= 0; i--)
            if (i != keep)
                yield return events.RemoveAt(i);
    }

    /// <summary>The sequence with two events removed (any two, not only neighbours), later pairs first.</summary>
    public static IEnumerable<ImmutableArray<Event>> RemovePairs(ImmutableArray<Event> events)
    {
        for (int j = events.Length - 1; j >= 1; j--)
            for (int i = j - 1; i >= 0; i--)
                yield return events.RemoveAt(j).RemoveAt(i);
    }

    /// <summary>Events I and I+1 swapped, then one other event removed: the reorderings a deletion may need first.</summary>
    public static IEnumerable<ImmutableArray<Event>> SwapThenRemove(ImmutableArray<Event> events)
    {
        for (int i = 0; i + 1 < events.Length; i++)
        {
            if (events[i] == events[i + 1])
                continue;
            var swapped = events.SetItem(i, events[i + 1]).SetItem(i + 1, events[i]);
            foreach (var e in RemoveSingles(swapped))
                yield return e;
        }
    }

    /// <summary>One event moved from I to J (not a neighbour: swaps cover those), then one other event removed.</summary>
    public static IEnumerable<ImmutableArray<Event>> MoveThenRemove(ImmutableArray<Event> events)
    {
        for (int i = 0; i < events.Length; i++)
            for (int j = 0; j < events.Length; j++)
            {
                if (Math.Abs(i - j) <= 1)
                    continue;
                var moved = events.RemoveAt(i).Insert(j, events[i]);
                for (int k = moved.Length - 1; k >= 0; k--)
                    if (k != j)
                        yield return moved.RemoveAt(k);
            }
    }

    /// <summary>Fault injections made milder: a probe errno replaced by a milder one from MILDEST (mildest first).</summary>
    public static IEnumerable<ImmutableArray<Event>> MilderFaults(ImmutableArray<Event> events, ImmutableArray<int> mildest)
    {
        for (int i = 0; i < events.Length; i++)
            if (events[i] is FailNextProbe f)
                foreach (int errno in mildest.TakeWhile(e => e != f.Errno))
                    yield return events.SetItem(i, f with { Errno = errno });
    }
}
