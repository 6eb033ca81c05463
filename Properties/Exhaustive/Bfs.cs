using System.Collections.Immutable;
using System.Diagnostics;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exploration;

namespace Checker.Properties.Exhaustive;

/// <summary>
/// Breadth-first exploration, level by level. Each level is cut into batches of a fixed number of
/// states; a batch is expanded in parallel (every core), then merged on one thread in frontier
/// order: transitions counted, violations recorded, new fingerprints added to the visited set and
/// their paths queued. The merge order, not the thread schedule, decides every result, so the
/// output is the same on any number of cores. The first counterexample of a property is a
/// shortest one (fewest events), and the first in EventGen's order among the shortest.
/// </summary>
public static class Bfs
{
    public const int BatchStates = 2048;

    public static ExploreOutcome Run(Machine m, ExploreOptions options, Action<ExploreProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var run = new Search(options);
        var boot = Successors.Stored(Kernel.Boot(m));
        run.Visit(Fingerprint.Of(boot));
        bool por = options.PartialOrder;
        var frontier = new List<(EventPath Path, int Bound)> { (EventPath.Empty, 0) };
        int depth = 0;
        bool stopped = false;
        while (frontier.Count > 0 && depth < options.MaxDepth && !stopped)
        {
            var next = new List<(EventPath Path, int Bound)>();
            var nextIndex = por ? new Dictionary<ulong, int>() : null;
            for (int start = 0; start < frontier.Count && !stopped; start += BatchStates)
            {
                int count = Math.Min(BatchStates, frontier.Count - start);
                var results = new List<Transition>[count];
                var found = run.FoundFlags();
                Parallel.For(0, count, k =>
                {
                    results[k] = [];
                    var (path, bound) = frontier[start + k];
                    Successors.Expand(Replay(boot, path), options, found, results[k], bound);
                });
                for (int k = 0; k < count; k++)
                {
                    var path = frontier[start + k].Path;
                    foreach (var t in results[k])
                    {
                        int bound = por ? PartialOrder.BoundAfter(m, t.Event) : 0;
                        if (run.Take(m, path, t))
                        {
                            nextIndex?.Add(t.Fingerprint, next.Count);
                            next.Add((path.Then(t.Event), bound));
                        }
                        else if (nextIndex is not null && nextIndex.TryGetValue(t.Fingerprint, out int i) && bound < next[i].Bound)
                            next[i] = (next[i].Path, bound); // reached again on this level: the smallest bound wins
                    }
                }
                stopped = run.AllFound || options.TimeBudgetSeconds is double b && clock.Elapsed.TotalSeconds >= b;
                progress?.Invoke(new ExploreProgress(run.States, depth + 1, frontier.Count - start - count + next.Count, run.FoundCount, clock.Elapsed.TotalSeconds));
            }
            frontier = next;
            depth++;
        }
        bool complete = !stopped && frontier.Count == 0;
        return run.Outcome(depth, complete, clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// The state PATH leads to, stepped again from BOOT. The queue holds paths, not worlds (a
    /// world costs hundreds of bytes, a path node 40): replaying a path of length d costs d steps,
    /// against the twenty-odd steps of expanding the state it reaches.
    /// </summary>
    public static World Replay(World boot, EventPath path)
    {
        var w = boot;
        foreach (var e in path.Events())
            w = Kernel.Step(w, e);
        return Successors.Stored(w);
    }
}

/// <summary>The bookkeeping every strategy shares: visited set, counters, first counterexample per property.</summary>
internal sealed class Search(ExploreOptions options)
{
    private readonly VisitedSet _visited = new();
    private readonly Counterexample?[] _found = new Counterexample?[options.Invariants.Length];
    private readonly List<ulong>? _owned = options.KeepVisited ? [] : null;

    public long States { get; private set; }
    public long Transitions { get; private set; }
    public int FoundCount => _found.Count(f => f is not null);
    public bool AllFound => _found.All(f => f is not null);

    public bool[] FoundFlags() => [.. _found.Select(f => f is not null)];

    /// <summary>Marks FP visited; true when it is new. Only states the shard owns are counted.</summary>
    public bool Visit(ulong fp)
    {
        if (!_visited.Add(fp))
            return false;
        if (options.Shard.Owns(fp))
        {
            States++;
            _owned?.Add(fp);
        }
        return true;
    }

    /// <summary>Counts T out of the state reached by PATH, records its violation; true when its target is new.</summary>
    public bool Take(Machine m, EventPath path, Transition t)
    {
        Transitions++;
        if (t.Violation is { } v && _found[Successors.IndexOf(options.Invariants, v)] is null)
        {
            var found = new Counterexample(m, path.Then(t.Event).Events(), v, t.After);
            _found[Successors.IndexOf(options.Invariants, v)] = found;
            options.OnFound?.Invoke(found);
        }
        return Visit(t.Fingerprint);
    }

    public ExploreOutcome Outcome(int depth, bool complete, long ms) =>
        new(States, Transitions, depth, complete, [.. _found.OfType<Counterexample>()], ms, _visited.Bytes,
            _owned is null ? [] : [.. _owned.Order()]);
}
