using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Properties.Exhaustive;

public enum Strategy { Bfs, Dfs, Random }

/// <summary>Shard INDEX (0-based) of COUNT: it owns the states whose fingerprint falls in its share.</summary>
public readonly record struct Shard(int Index, int Count)
{
    public static readonly Shard Whole = new(0, 1);

    /// <summary>The owner of a state: a multiplicative hash of its fingerprint, so shards get even shares.</summary>
    public bool Owns(ulong fp) => Count == 1 || (int)((unchecked(fp * 0x9E3779B97F4A7C15UL) >> 32) % (ulong)Count) == Index;

    public override string ToString() => $"{Index + 1}/{Count}";
}

/// <summary>What `explore` is asked to do.</summary>
public sealed record ExploreOptions(
    ImmutableArray<Invariant> Invariants,
    Strategy Strategy,
    int MaxDepth,
    double? TimeBudgetSeconds,
    Shard Shard,
    GenConfig Gen,
    ulong Seed = 1,
    bool KeepVisited = false,
    Action<Counterexample>? OnFound = null,
    bool PartialOrder = false)
{
    public const int DefaultMaxDepth = 40;

    /// <summary>Ctrl-C: the run ends after the batch (or stretch of states) under way, as a time budget would end it.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>Whether the run must stop now: its time budget spent, or Ctrl-C.</summary>
    public bool OutOfTime(System.Diagnostics.Stopwatch clock) =>
        Cancel.IsCancellationRequested || TimeBudgetSeconds is double b && clock.Elapsed.TotalSeconds >= b;
}

/// <summary>Progress of a running exploration, for the TTY.</summary>
public readonly record struct ExploreProgress(long States, int Depth, long Queue, int Violations, double Seconds);

/// <summary>
/// The outcome: distinct states this shard owns and visited, transitions stepped, the deepest
/// level reached, whether the space (up to the depth bound) was covered, and the first
/// counterexample of each property in exploration order (catalogue order in the list).
/// </summary>
public sealed record ExploreOutcome(
    long States,
    long Transitions,
    int Depth,
    bool Complete,
    ImmutableArray<Counterexample> Found,
    long Milliseconds,
    long VisitedBytes,
    ImmutableArray<ulong> Visited);

/// <summary>A path from the boot state, shared between the states that extend it.</summary>
public sealed class EventPath(EventPath? parent, Event? last, int length)
{
    public static readonly EventPath Empty = new(null, null, 0);
    public EventPath? Parent { get; } = parent;
    public Event? Last { get; } = last;
    public int Length { get; } = length;

    public EventPath Then(Event e) => new(this, e, Length + 1);

    public ImmutableArray<Event> Events()
    {
        var events = new Event[Length];
        for (var p = this; p.Last is not null; p = p.Parent!)
            events[p.Length - 1] = p.Last;
        return [.. events];
    }
}
