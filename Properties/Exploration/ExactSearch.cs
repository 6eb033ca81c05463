using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Properties.Exploration;

/// <summary>
/// The exact step of shrinking: a small breadth-first search, on one thread, for the shortest
/// violation of one invariant within a depth bound, stopped after a fixed number of steps (a
/// count, so the answer does not depend on the machine's speed). Unlike `explore`'s BFS it checks
/// its budget after every step, so a large machine costs only the budget.
/// </summary>
public static class ExactSearch
{
    /// <summary>What the search found: a shortest violation (if any), whether the bounded space was covered, the steps taken.</summary>
    public sealed record Result(Counterexample? Shortest, bool Exhausted, long Steps);

    public static Result Shortest(Machine m, Invariant invariant, GenConfig gen, int maxDepth, long maxSteps)
    {
        var boot = Successors.Stored(Kernel.Boot(m));
        var visited = new HashSet<ulong> { Fingerprint.Of(boot) };
        var level = new List<(World World, EventPath Path)> { (boot, EventPath.Empty) };
        var candidates = new List<(EventKind, Event)>();
        long steps = 0;
        for (int depth = 0; depth < maxDepth && level.Count > 0; depth++)
        {
            var next = new List<(World, EventPath)>();
            foreach (var (w, path) in level)
            {
                candidates.Clear();
                EventGen.Candidates(w, gen, candidates);
                foreach (var (_, e) in candidates)
                {
                    if (++steps > maxSteps)
                        return new Result(null, false, steps - 1);
                    var after = Kernel.Step(w, e);
                    if (invariant.Check(new StepView(w, e, after)) is not null)
                    {
                        var events = path.Then(e).Events();
                        return new Result(Counterexample.Replay(m, events, invariant), true, steps);
                    }
                    if (visited.Add(Fingerprint.Of(after)))
                        next.Add((Successors.Stored(after), path.Then(e)));
                }
            }
            level = next;
        }
        return new Result(null, true, steps);
    }
}
