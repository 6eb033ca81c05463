using System.Collections.Immutable;
using Checker.Model.Events;

namespace Checker.Shrinkers;

/// <summary>Shrinks an event sequence: chunks first (halves, quarters, ...), then single events.</summary>
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

    /// <summary>Fault injections made milder: a probe errno replaced by a milder one from MILDEST (mildest first).</summary>
    public static IEnumerable<ImmutableArray<Event>> MilderFaults(ImmutableArray<Event> events, ImmutableArray<int> mildest)
    {
        for (int i = 0; i < events.Length; i++)
            if (events[i] is FailNextProbe f)
                foreach (int errno in mildest.TakeWhile(e => e != f.Errno))
                    yield return events.SetItem(i, f with { Errno = errno });
    }
}
