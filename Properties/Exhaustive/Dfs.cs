using System.Diagnostics;
using Checker.Model.Semantics;
using Checker.Model.State;

namespace Checker.Properties.Exhaustive;

/// <summary>
/// Depth-first exploration with the same visited set, on one thread (its order is the point).
/// A state is expanded the first time it is reached; with a depth bound, a state first reached
/// near the bound is not expanded again when a shorter path reaches it later, so DFS can miss
/// states that BFS to the same bound sees (docs/explore.md). Its counterexamples are long; the
/// shrinker makes them short.
/// </summary>
public static class Dfs
{
    public static ExploreOutcome Run(Machine m, ExploreOptions options, Action<ExploreProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var run = new Search(options);
        var boot = Successors.Stored(Kernel.Boot(m));
        run.Visit(Fingerprint.Of(boot, options.Reduce, clusters: false, options.Symmetric));
        var stack = new Stack<(World World, EventPath EventPath)>();
        stack.Push((boot, EventPath.Empty));
        var transitions = new List<Transition>();
        int deepest = 0;
        long expanded = 0;
        bool stopped = false;
        while (stack.Count > 0 && !stopped)
        {
            var (w, path) = stack.Pop();
            deepest = Math.Max(deepest, path.Length);
            if (path.Length >= options.MaxDepth)
                continue;
            transitions.Clear();
            Successors.Expand(w, options, run.FoundFlags(), transitions);
            if (options.Swarm)
                Shuffle(transitions, Exploration.Explorer.TestSeed(options.RunSeed, (int)(expanded & int.MaxValue)));
            var fresh = new List<(World, EventPath)>();
            foreach (var t in transitions)
                if (run.Take(m, path, t))
                    fresh.Add((Successors.Stored(t.After!), path.Then(t.Event)));
            for (int i = fresh.Count - 1; i >= 0; i--)
                stack.Push(fresh[i]);
            if (++expanded % 4096 == 0)
            {
                stopped = run.AllFound || options.OutOfTime(clock);
                progress?.Invoke(new ExploreProgress(run.States, deepest, stack.Count, run.FoundCount, clock.Elapsed.TotalSeconds));
            }
            stopped |= run.AllFound;
        }
        return run.Outcome(deepest, !stopped && stack.Count == 0, clock.ElapsedMilliseconds);
    }

    /// <summary>A Fisher-Yates shuffle of a state's transitions from SEED (a swarm member's own event order).</summary>
    private static void Shuffle(List<Transition> transitions, ulong seed)
    {
        for (int i = transitions.Count - 1; i > 0; i--)
        {
            seed = Exploration.Explorer.TestSeed(seed, i);
            int j = (int)(seed % (ulong)(i + 1));
            (transitions[i], transitions[j]) = (transitions[j], transitions[i]);
        }
    }
}

/// <summary>
/// Random walks from the boot state, each event drawn uniformly from the enabled ones with a
/// SplitMix64 stream seeded by (seed, walk): batches of walks run in parallel and are merged in
/// walk order, so the result does not depend on the number of cores.
/// </summary>
public static class RandomWalks
{
    public const int MaxWalks = 10_000;
    private const int Batch = 64;

    public static ExploreOutcome Run(Machine m, ExploreOptions options, Action<ExploreProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var run = new Search(options);
        var boot = Successors.Stored(Kernel.Boot(m));
        run.Visit(Fingerprint.Of(boot, options.Reduce, clusters: false, options.Symmetric));
        bool stopped = false;
        int walks = 0;
        while (walks < MaxWalks && !stopped)
        {
            var results = new List<(EventPath, Transition)>[Batch];
            var found = run.FoundFlags();
            int first = walks;
            Parallel.For(0, Batch, k => results[k] = Walk(boot, options, found, Exploration.Explorer.TestSeed(options.RunSeed, first + k)));
            foreach (var walk in results)
                foreach (var (path, t) in walk)
                    run.Take(m, path, t);
            walks += Batch;
            stopped = run.AllFound || options.OutOfTime(clock);
            progress?.Invoke(new ExploreProgress(run.States, options.MaxDepth, MaxWalks - walks, run.FoundCount, clock.Elapsed.TotalSeconds));
        }
        return run.Outcome(options.MaxDepth, false, clock.ElapsedMilliseconds);
    }

    private static List<(EventPath, Transition)> Walk(World w, ExploreOptions options, bool[] found, ulong seed)
    {
        var taken = new List<(EventPath, Transition)>();
        var path = EventPath.Empty;
        var choices = new List<Transition>();
        for (int depth = 0; depth < options.MaxDepth; depth++)
        {
            choices.Clear();
            Successors.Expand(w, options, found, choices);
            if (choices.Count == 0)
                break;
            seed = Exploration.Explorer.TestSeed(seed, depth);
            var t = choices[(int)(seed % (ulong)choices.Count)];
            taken.Add((path, t));
            path = path.Then(t.Event);
            w = t.After!;
        }
        return taken;
    }
}
