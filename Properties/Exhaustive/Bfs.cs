using System.Collections.Immutable;
using System.Diagnostics;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exploration;

namespace Checker.Properties.Exhaustive;

/// <summary>
/// Breadth-first exploration, level by level. Each level is cut into batches of a fixed number of
/// states; a batch is expanded in parallel (every core, in runs of neighbouring states), then
/// merged on one thread in frontier order: transitions counted, violations recorded, new
/// fingerprints added to the visited set and queued. The merge order, not the thread schedule,
/// decides every result, so the output is the same on any number of cores. The first
/// counterexample of a property is a shortest one (fewest events), and the first in EventGen's
/// order among the shortest.
/// </summary>
public static class Bfs
{
    public const int BatchStates = 2048;

    /// <summary>States expanded by one worker in a row: neighbours share most of their path (<see cref="Replayer"/>).</summary>
    public const int RunStates = 64;

    public static ExploreOutcome Run(Machine m, ExploreOptions options, Action<ExploreProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var run = new Search(options);
        var boot = Successors.Stored(Kernel.Boot(m));
        run.Visit(Fingerprint.Of(boot, options.Reduce, options.Clusters, options.Symmetric));
        bool por = options.PartialOrder;
        var tree = new PathTree(por);
        int depth = 0;
        var levels = new List<long>();
        bool stopped = false, split = options.Shard.Count == 1;
        ShardWork? work = null;
        while (tree.Top.Count > 0 && depth < options.MaxDepth && !stopped)
        {
            if (!split && tree.Top.Count >= (long)options.FrontierPerShard * options.Shard.Count)
            {
                // The shared prefix ends here: this shard keeps its part of the frontier. The
                // others' frontier states stay in the visited set, so their subtrees are not
                // entered through them.
                long frontierStates = tree.Top.Count;
                tree.KeepTop(k => options.Shard.Keeps(k, (int)frontierStates));
                split = true;
                work = new ShardWork(depth, frontierStates, tree.Top.Count, run.States, run.Transitions);
            }
            var frontier = tree.Top;
            var events = tree.EventTable();
            var next = tree.Grow();
            var nextIndex = por ? new Dictionary<ulong, int>() : null;
            int level = depth;
            Task<Expansion[]> Expand(int start)
            {
                var found = run.FoundFlags();
                return Task.Run(() => ExpandBatch(boot, tree, events, level, frontier, start, options, found));
            }
            var inflight = Expand(0);
            for (int start = 0; start < frontier.Count; start += BatchStates)
            {
                var results = inflight.Result;
                // The next batch expands while this one merges; it skips the properties found
                // before this merge, a choice fixed by the batch numbers, not by timing.
                if (start + BatchStates < frontier.Count)
                    inflight = Expand(start + BatchStates);
                for (int r = 0; r < results.Length; r++)
                {
                    var x = results[r];
                    int from = 0;
                    for (int k = 0; k < x.Ends.Length; k++)
                    {
                        int parent = start + r * RunStates + k;
                        for (int j = from; j < x.Ends[k]; j++)
                        {
                            var t = x.Transitions[j];
                            int bound = por ? PartialOrder.BoundAfter(m, t.Event) : 0;
                            if (run.Wants(t))
                                run.Record(m, tree.PathTo(depth, parent, t.Event), t);
                            if (run.Visit(t.Fingerprint))
                            {
                                nextIndex?.Add(t.Fingerprint, next.Count);
                                next.Add(parent, tree.EventId(t.Event), bound);
                            }
                            else if (nextIndex is not null && nextIndex.TryGetValue(t.Fingerprint, out int i) && bound < next.Bound(i))
                                next.SetBound(i, bound); // reached again on this level: the smallest bound wins
                        }
                        run.Transitions += x.Ends[k] - from;
                        from = x.Ends[k];
                    }
                }
                int merged = Math.Min(frontier.Count, start + BatchStates);
                stopped = run.AllFound || options.OutOfTime(clock);
                progress?.Invoke(new ExploreProgress(run.States, depth + 1, frontier.Count - merged + next.Count, run.FoundCount, clock.Elapsed.TotalSeconds));
                if (stopped)
                {
                    if (merged < frontier.Count)
                        inflight.Wait(); // its results are dropped: the run ends at this batch, whatever the timing
                    break;
                }
            }
            depth++;
            levels.Add(next.Count);
        }
        bool complete = !stopped && tree.Top.Count == 0;
        return run.Outcome(depth, complete, clock.ElapsedMilliseconds) with { Levels = [.. levels], Split = work };
    }

    /// <summary>
    /// Expands states START.. of FRONTIER (level DEPTH of TREE, whose events are EVENTS) on every
    /// core, in runs of <see cref="RunStates"/> neighbours.
    /// </summary>
    private static Expansion[] ExpandBatch(World boot, PathTree tree, Event[] events, int depth, PathTree.Level frontier, int start, ExploreOptions options, bool[] found)
    {
        int count = Math.Min(BatchStates, frontier.Count - start);
        var results = new Expansion[(count + RunStates - 1) / RunStates];
        Parallel.For(0, results.Length, r =>
        {
            int first = start + r * RunStates, last = Math.Min(start + count, first + RunStates);
            var replayer = new Replayer(boot, tree, events, depth);
            var into = new Expansion(last - first);
            for (int i = first; i < last; i++)
            {
                Successors.Expand(replayer.WorldOf(i), options, found, into.Transitions, frontier.Bound(i), keepWorlds: false);
                into.Ends[i - first] = into.Transitions.Count;
            }
            results[r] = into;
        });
        return results;
    }

    /// <summary>What one worker's run of states led to: their transitions in order, and where each state's end.</summary>
    private sealed class Expansion(int states)
    {
        public readonly List<Transition> Transitions = new(states * 16);
        public readonly int[] Ends = new int[states];
    }

    /// <summary>
    /// Rebuilds the worlds of one level's states by stepping from BOOT along their paths, keeping
    /// the worlds along the last path: the next state of a run usually shares all but its last
    /// event with the one before (siblings are queued together), so it costs one step, not a
    /// whole path. The queue holds path nodes (8 bytes), not worlds (hundreds).
    /// </summary>
    private sealed class Replayer
    {
        private readonly PathTree _tree;
        private readonly Event[] _events;
        private readonly int _depth;
        private readonly int[] _node;
        private readonly World[] _world;

        public Replayer(World boot, PathTree tree, Event[] events, int depth)
        {
            _tree = tree;
            _events = events;
            _depth = depth;
            _node = new int[depth + 1];
            _world = new World[depth + 1];
            Array.Fill(_node, -1);
            _node[0] = 0;
            _world[0] = boot;
        }

        /// <summary>The world of state INDEX of the deepest level.</summary>
        public World WorldOf(int index)
        {
            Span<int> chain = _depth < 64 ? stackalloc int[_depth + 1] : new int[_depth + 1];
            chain[_depth] = index;
            for (int d = _depth; d > 0; d--)
                chain[d - 1] = _tree.At(d).Parent(chain[d]);
            int same = 0;
            while (same < _depth && _node[same + 1] == chain[same + 1])
                same++;
            for (int d = same + 1; d <= _depth; d++)
            {
                _world[d] = Kernel.Step(_world[d - 1], _events[_tree.At(d).Event(chain[d])]);
                _node[d] = chain[d];
            }
            return Successors.Stored(_world[_depth]);
        }
    }

    /// <summary>
    /// The states BFS queued, level by level: each names its parent on the level above and the
    /// event from it (an index into a table of the distinct events seen): 8 bytes a state (12 with
    /// `--por`, which adds the bound), in chunks of plain arrays, so a path costs no objects for
    /// the collector to trace and a level never copies itself to grow.
    /// </summary>
    internal sealed class PathTree(bool bounds)
    {
        private readonly List<Level> _levels = [Level.Root(bounds)];
        private readonly List<Event> _events = [];
        private readonly Dictionary<Event, int> _eventIds = [];

        public Level Top => _levels[^1];

        public Level At(int depth) => _levels[depth];

        /// <summary>Replaces the deepest level by the states of it that KEEP accepts (by index), in order.</summary>
        public void KeepTop(Func<int, bool> keep)
        {
            var top = _levels[^1];
            var kept = new Level(bounds);
            for (int i = 0; i < top.Count; i++)
                if (keep(i))
                    kept.Add(top.Parent(i), top.Event(i), top.Bound(i));
            _levels[^1] = kept;
        }

        public Level Grow()
        {
            _levels.Add(new Level(bounds));
            return _levels[^1];
        }

        /// <summary>The events seen so far, by id: a copy, for workers to read while the merge adds more.</summary>
        public Event[] EventTable() => [.. _events];

        public int EventId(Event e)
        {
            if (!_eventIds.TryGetValue(e, out int id))
            {
                id = _events.Count;
                _events.Add(e);
                _eventIds.Add(e, id);
            }
            return id;
        }

        /// <summary>The events from boot to state INDEX of level DEPTH, then LAST.</summary>
        public ImmutableArray<Event> PathTo(int depth, int index, Event last)
        {
            var events = new Event[depth + 1];
            events[depth] = last;
            for (int d = depth; d > 0; d--)
            {
                events[d - 1] = _events[_levels[d].Event(index)];
                index = _levels[d].Parent(index);
            }
            return ImmutableArray.Create(events);
        }

        /// <summary>One level's states: parent index, event id and (with POR) bound, in chunks of 2^16.</summary>
        internal sealed class Level(bool bounds)
        {
            private const int Shift = 16, Mask = (1 << Shift) - 1;
            private readonly List<long[]> _nodes = [];
            private readonly List<int[]>? _bounds = bounds ? [] : null;

            public int Count { get; private set; }

            public static Level Root(bool bounds)
            {
                var root = new Level(bounds);
                root.Add(-1, -1, 0);
                return root;
            }

            public void Add(int parent, int eventId, int bound)
            {
                if ((Count & Mask) == 0)
                {
                    _nodes.Add(new long[1 << Shift]);
                    _bounds?.Add(new int[1 << Shift]);
                }
                _nodes[Count >> Shift][Count & Mask] = unchecked((long)(uint)parent << 32 | (uint)eventId);
                if (_bounds is not null)
                    _bounds[Count >> Shift][Count & Mask] = bound;
                Count++;
            }

            public int Parent(int i) => unchecked((int)(_nodes[i >> Shift][i & Mask] >> 32));

            public int Event(int i) => unchecked((int)_nodes[i >> Shift][i & Mask]);

            public int Bound(int i) => _bounds is null ? 0 : _bounds[i >> Shift][i & Mask];

            public void SetBound(int i, int bound) => _bounds![i >> Shift][i & Mask] = bound;
        }
    }
}

/// <summary>The bookkeeping every strategy shares: visited set, counters, first counterexample per property.</summary>
internal sealed class Search(ExploreOptions options)
{
    private readonly VisitedSet _visited = new();
    private readonly Counterexample?[] _found = new Counterexample?[options.Invariants.Length];
    private readonly List<ulong>? _owned = options.KeepVisited ? [] : null;

    public long States { get; private set; }
    public long Transitions { get; set; }
    public int FoundCount => _found.Count(f => f is not null);
    public bool AllFound => _found.All(f => f is not null);

    public bool[] FoundFlags() => [.. _found.Select(f => f is not null)];

    /// <summary>Marks FP visited; true when it is new.</summary>
    public bool Visit(ulong fp)
    {
        if (!_visited.Add(fp))
            return false;
        States++;
        _owned?.Add(fp);
        return true;
    }

    /// <summary>Whether T shows a violation of a property with no counterexample yet.</summary>
    public bool Wants(Transition t)
    {
        foreach (var v in t.Violations)
            if (_found[Successors.IndexOf(options.Invariants, v)] is null)
                return true;
        return false;
    }

    /// <summary>Records each of T's violations of a property with no counterexample yet, reached by EVENTS (ending with T's event).</summary>
    public void Record(Machine m, ImmutableArray<Event> events, Transition t)
    {
        foreach (var v in t.Violations)
        {
            int k = Successors.IndexOf(options.Invariants, v);
            if (_found[k] is not null)
                continue;
            var found = new Counterexample(m, events, v, t.After ?? throw new InvalidOperationException("a violating transition keeps its world"));
            _found[k] = found;
            options.OnFound?.Invoke(found);
        }
    }

    /// <summary>Counts T out of the state reached by PATH, records its violation; true when its target is new.</summary>
    public bool Take(Machine m, EventPath path, Transition t)
    {
        Transitions++;
        if (Wants(t))
            Record(m, path.Then(t.Event).Events(), t);
        return Visit(t.Fingerprint);
    }

    public ExploreOutcome Outcome(int depth, bool complete, long ms) =>
        new(States, Transitions, depth, complete, [.. _found.OfType<Counterexample>()], ms, _visited.Bytes,
            _owned is null ? [] : [.. _owned.Order()]);
}
