using System.Collections.Immutable;
using System.Diagnostics;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Properties.Exploration;

/// <summary>What `check` is asked to do.</summary>
/// <remarks>With NOSCRIPT every ordering is drawn at random, the first too: the scenario's script is not tried as ordering 0.</remarks>
public sealed record CheckOptions(ImmutableArray<Invariant> Invariants, ulong Seed, int MaxTests, double? TimeBudgetSeconds, GenConfig Gen, bool NoScript = false)
{
    public const int DefaultMaxTests = 10_000;
}

/// <summary>Progress of a running check, for the TTY.</summary>
public readonly record struct CheckProgress(int Tests, long Steps, int MaxTests);

/// <summary>
/// The outcome: the orderings tried, and the first counterexample (in test order) if any. With
/// it, the other orderings of the same batch that broke the same property (up to
/// <see cref="Explorer.MaxStarts"/> in all, test order): more starting points for the shrinker.
/// </summary>
public sealed record CheckOutcome(int Tests, long Steps, Counterexample? Found, int FailingTest, long Milliseconds)
{
    public ImmutableArray<(int Test, Counterexample Found)> Starts { get; init; } = [];

    /// <summary>
    /// Shrinks every start and keeps the smallest result (fewest events, then the smallest
    /// machine, then the earliest ordering): shrinking is a local search, and orderings that
    /// break a property in different ways shrink to different local minima. Null when nothing was found.
    /// </summary>
    public (int Test, Counterexample Original, Counterexample Shrunk, Shrinkers.ShrinkResult Stats)? ShrinkBest(Invariant invariant)
    {
        if (Found is null)
            return null;
        var starts = Starts.IsEmpty ? [(FailingTest, Found)] : Starts;
        var shrunk = new (Counterexample, Shrinkers.ShrinkResult)[starts.Length];
        Parallel.For(0, starts.Length, k => shrunk[k] = starts[k].Found.Shrink(invariant));
        int best = 0, tried = 0;
        for (int k = 0; k < starts.Length; k++)
        {
            tried += shrunk[k].Item2.Tried;
            if (shrunk[k].Item2.Result.Size.CompareTo(shrunk[best].Item2.Result.Size) < 0)
                best = k;
        }
        return (starts[best].Test, starts[best].Found, shrunk[best].Item1, shrunk[best].Item2 with { Tried = tried });
    }
}

/// <summary>
/// The exploration loop. Ordering 0 is the scenario's own script (so a scripted boot that fails is
/// never reported as a pass), unless <see cref="CheckOptions.NoScript"/>; ordering I &gt; 0 (and 0 then) draws a sequence from the seed of (SEED, I), runs it through Step
/// with every selected invariant checked after every step, and stops at the first violation.
/// Tests run in parallel batches; the first failing test by index wins, so the result does not
/// depend on the number of cores.
/// </summary>
public static class Explorer
{
    private const int BatchSize = 64;

    /// <summary>Failing orderings of the first failing batch handed to the shrinker (the first of them is the one reported as found).</summary>
    public const int MaxStarts = 8;

    public static CheckOutcome Check(Machine m, CheckOptions options, Action<CheckProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var choices = EventGen.Choices(m, options.Gen);
        int tests = 0;
        long steps = 0;
        while (tests < options.MaxTests)
        {
            if (options.TimeBudgetSeconds is double budget && clock.Elapsed.TotalSeconds >= budget)
                break;
            int batch = Math.Min(BatchSize, options.MaxTests - tests);
            var results = new RunResult[batch];
            Parallel.For(0, batch, k => results[k] = RunTest(m, choices, options, tests + k));
            for (int k = 0; k < batch; k++)
            {
                steps += results[k].Events.Length;
                if (results[k].First is { } v)
                {
                    Counterexample Found(int j) => new(m, [.. results[j].Events.Select(e => e.Event)], results[j].First!.Violation, results[j].Final);
                    var found = Found(k);
                    var starts = ImmutableArray.CreateBuilder<(int, Counterexample)>();
                    starts.Add((tests + k, found));
                    for (int j = k + 1; j < batch && starts.Count < MaxStarts; j++)
                        if (results[j].First is { } other && other.Violation.Property == v.Violation.Property)
                            starts.Add((tests + j, Found(j)));
                    return new CheckOutcome(tests + k + 1, steps, found, tests + k, clock.ElapsedMilliseconds) { Starts = starts.ToImmutable() };
                }
            }
            tests += batch;
            progress?.Invoke(new CheckProgress(tests, steps, options.MaxTests));
        }
        return new CheckOutcome(tests, steps, null, -1, clock.ElapsedMilliseconds);
    }

    /// <summary>The seed of test I: SplitMix64 of the run's seed and I, so tests are independent and reproducible.</summary>
    public static ulong TestSeed(ulong seed, int test)
    {
        unchecked
        {
            ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(test + 1);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>
    /// One ordering: the script for test 0, else events decoded from the test's FsCheck choices,
    /// each checked as soon as it is stepped, stopping at the first violation.
    /// </summary>
    private static RunResult RunTest(Machine m, FsCheck.Gen<int[]> choices, CheckOptions options, int test)
    {
        if (test == 0 && !m.Script.IsEmpty && !options.NoScript)
            return Runner.Run(m, ScriptOrdering(m).Select(e => new TimedEvent(e, null)), options.Invariants, stopAtFirst: true);
        // Quiet: a random ordering's log is never read (a counterexample's log comes from a fresh replay).
        var w = Kernel.Boot(m) with { Quiet = true };
        var done = ImmutableArray.CreateBuilder<TimedEvent>();
        foreach (int choice in EventGen.Draw(choices, TestSeed(options.Seed, test)))
        {
            var candidates = EventGen.Candidates(w, options.Gen);
            if (candidates.IsEmpty)
                break;
            var e = EventGen.Pick(candidates, choice);
            var before = w;
            w = Kernel.Step(w, e);
            done.Add(new TimedEvent(e, null));
            if (Catalogue.FirstViolation(options.Invariants, new StepView(before, e, w)) is { } v)
                return new RunResult(w, done.ToImmutable(), [new FoundViolation(v, done.Count - 1)]);
        }
        return new RunResult(w, done.ToImmutable(), []);
    }

    /// <summary>The script as an ordering: `boot` expanded, actions that are not possible when they come left out, then deferred work to quiescence.</summary>
    public static ImmutableArray<Event> ScriptOrdering(Machine m)
    {
        var w = Kernel.Boot(m);
        var events = ImmutableArray.CreateBuilder<Event>();
        foreach (var t in Runner.ScriptEvents(m))
            Take(t.Event);
        while (w.WorkQueued)
            Take(new DeferredWork());
        return events.ToImmutable();

        void Take(Event e)
        {
            if (!Kernel.IsEnabled(w, e))
                return;
            w = Kernel.Step(w, e);
            events.Add(e);
        }
    }

}
