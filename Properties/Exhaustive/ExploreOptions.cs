using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Properties.Exhaustive;

public enum Strategy { Bfs, Dfs, Random }

/// <summary>
/// Shard INDEX (0-based) of COUNT. For BFS it splits the state space (docs/explore.md): every
/// shard runs the same breadth-first prefix to a frontier of at least
/// <see cref="FrontierPerShard"/> x COUNT states, keeps the INDEX-th of COUNT contiguous runs of
/// it, and explores only what lies below them. For DFS and random walks it is a member
/// of a swarm (<see cref="ExploreOptions.Swarm"/>): its own seed and event order over the whole space.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static readonly Shard Whole = new(0, 1);

    /// <summary>Frontier states per shard at the split: enough that subtrees of uneven size even out.</summary>
    public const int FrontierPerShard = 64;

    /// <summary>
    /// Whether frontier state K of FRONTIER (in BFS order) is this shard's: the shards take
    /// contiguous runs of equal length, so siblings and cousins, whose subtrees meet where their
    /// events commute, mostly fall to one shard (every K-th state would give them to different ones).
    /// </summary>
    public bool Keeps(int k, int frontier) => (int)((long)k * Count / frontier) == Index;

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

    /// <summary>
    /// Swarm mode (DFS and random walks): shard I explores the whole space with its own seed and
    /// (DFS) its own order of each state's events, as in swarm verification.
    /// </summary>
    public bool Swarm { get; init; }

    /// <summary>
    /// States are told apart by the reduced fingerprint (<see cref="Fingerprint.Of(Model.State.World, bool)"/>,
    /// docs/explore.md): on by default; `explore --no-reduce` (and the equivalence tests) turn it off.
    /// </summary>
    public bool Reduce { get; init; } = true;

    /// <summary>
    /// Worlds that an automorphism of the machine (an exchange of blocks identical up to names,
    /// <see cref="Exhaustive.Symmetry"/>) maps onto each other are one state (docs/explore.md,
    /// "Symmetry"): on by default; `explore --no-symmetry` turns it off.
    /// </summary>
    public bool Symmetry { get; init; } = true;

    /// <summary>
    /// Whether this run quotients by the machine's symmetries: <see cref="Symmetry"/> over the reduced
    /// fingerprint (`--no-reduce` is the plain fingerprint, for comparison), and not with `--por`,
    /// whose keys and persistent sets follow device order.
    /// </summary>
    public bool Symmetric => Symmetry && Reduce && !PartialOrder;

    /// <summary>
    /// `--por` without injected probe failures, over the reduced fingerprint: the cluster
    /// fingerprint (<see cref="Fingerprint.Of(Model.State.World, bool, bool)"/>) and the
    /// persistent sets of the boot (<see cref="Exhaustive.PartialOrder.BootAmple"/>; docs/explore.md).
    /// </summary>
    public bool Clusters => PartialOrder && Reduce && Gen.Weights.GetValueOrDefault(EventKind.FailNextProbe) == 0;

    /// <summary>
    /// Breadth-first runs explore the machine by parts first where it allows it (<see cref="Decomposition"/>,
    /// docs/explore.md, "Decomposition"): on by default; `explore --no-decompose` turns it off.
    /// </summary>
    public bool Decompose { get; init; } = true;

    /// <summary>Frontier states per shard at which a sharded BFS splits (<see cref="Shard.FrontierPerShard"/>; tests use fewer).</summary>
    public int FrontierPerShard { get; init; } = Shard.FrontierPerShard;

    /// <summary>The seed of this run: the given one, or for a swarm member one drawn from it and the shard.</summary>
    public ulong RunSeed => Swarm && Shard.Count > 1 ? Exploration.Explorer.TestSeed(Seed, Shard.Index + 1_000_000) : Seed;

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
    ImmutableArray<ulong> Visited)
{
    /// <summary>BFS: the new states found on each level (level 1 first); empty for dfs and random walks.</summary>
    public ImmutableArray<long> Levels { get; init; } = [];

    /// <summary>A sharded BFS that split: where, and how its work divides; null when the run did not split.</summary>
    public ShardWork? Split { get; init; }

    /// <summary>
    /// The exploration by parts tried first (<see cref="Exhaustive.Decomposition"/>), null when none was:
    /// when it decided the run, the outcome's counts are its parts'; otherwise the whole machine's.
    /// </summary>
    public DecompositionResult? Decomposition { get; init; }

    /// <summary>Whether the parts decided the run (every part exhausted without a violation).</summary>
    public bool Decomposed => Decomposition is { Decided: true };
}

/// <summary>
/// Where a sharded BFS split and what it did on each side: the shared prefix (the levels every
/// shard expands alike) up to LEVEL, whose frontier held FRONTIERSTATES of which the shard kept
/// KEPTSTATES, with the STATES and TRANSITIONS of that prefix; the rest of the outcome's counts
/// are the shard's own subtrees.
/// </summary>
public sealed record ShardWork(int Level, long FrontierStates, long KeptStates, long PrefixStates, long PrefixTransitions);

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
