using System.Collections.Immutable;
using System.Diagnostics;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Properties.Exploration;

/// <summary>
/// What `check` is asked to do. With ALL the run goes on after a property breaks, with the
/// properties not yet broken, so that every property gets its own counterexample or verdict.
/// CANCEL (Ctrl-C) ends the run after the batch under way. With NOSCRIPT every ordering is drawn
/// at random, the first too: the scenario's script is not tried as ordering 0.
/// </summary>
public sealed record CheckOptions(ImmutableArray<Invariant> Invariants, ulong Seed, int MaxTests, double? TimeBudgetSeconds, GenConfig Gen, bool NoScript = false)
{
    public const int DefaultMaxTests = 10_000;

    public bool All { get; init; }

    public CancellationToken Cancel { get; init; }
}

/// <summary>Why a check ended: every ordering asked was tried, or what stopped it first.</summary>
public enum CheckStop { Finished, FirstCounterexample, EveryPropertyBroken, TimeBudget, Interrupted }

/// <summary>
/// A counterexample and the 0-based ordering that found it; with it, later orderings of the same
/// batch that broke the same property (up to <see cref="Explorer.MaxStarts"/> in all, chosen one
/// per way of breaking it first by <see cref="Explorer.Starts"/>): more starting points for the
/// shrinker.
/// </summary>
public sealed record FoundOrdering(Counterexample Counterexample, int Ordering)
{
    public ImmutableArray<FoundOrdering> Others { get; init; } = [];

    /// <summary>
    /// Shrinks this counterexample and the others and keeps the shortest result (fewest events;
    /// among equally short ones the earliest ordering's): shrinking is a local search, and
    /// orderings that break a property in different ways shrink to different local minima. One
    /// exact step searches the machines of every start, bounded by the best of them
    /// (<see cref="Counterexample.ShrinkAll"/>).
    /// </summary>
    public (FoundOrdering Start, Counterexample Shrunk, Shrinkers.ShrinkResult Stats) ShrinkBest(Invariant invariant)
    {
        var starts = Others.Insert(0, this with { Others = [] }).Sort((a, b) => a.Ordering.CompareTo(b.Ordering));
        var (best, shrunk, stats) = Counterexample.ShrinkAll([.. starts.Select(s => s.Counterexample)], invariant);
        return (starts[best], shrunk, stats);
    }
}

/// <summary>Progress of a running check, for the TTY.</summary>
public readonly record struct CheckProgress(int Tests, long Steps, int MaxTests);

/// <summary>
/// The outcome: the orderings tried, and the first counterexample (in test order) if any; with
/// <see cref="CheckOptions.All"/>, <see cref="AllFound"/> holds the first of every broken property.
/// </summary>
public sealed record CheckOutcome(int Tests, long Steps, Counterexample? Found, int FailingTest, long Milliseconds)
{
    public ImmutableArray<FoundOrdering> AllFound { get; init; } = Found is null ? [] : [new FoundOrdering(Found, FailingTest)];

    public CheckStop Stop { get; init; } = Found is null ? CheckStop.Finished : CheckStop.FirstCounterexample;
}

/// <summary>
/// The exploration loop. Ordering 0 is the scenario's own script (so a scripted boot that fails is
/// never reported as a pass); ordering I &gt; 0 draws a sequence from the seed of (SEED, I), runs it through Step
/// with every selected invariant checked after every step, and stops at the first violation.
/// Tests run in parallel batches; the first failing test by index wins, so the result does not
/// depend on the number of cores.
/// </summary>
public static class Explorer
{
    private const int BatchSize = 64;

    /// <summary>Failing orderings of a property's first failing batch handed to the shrinker (the first of them is the one reported as found).</summary>
    public const int MaxStarts = 8;

    public static CheckOutcome Check(Machine m, CheckOptions options, Action<CheckProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var choices = EventGen.Choices(m, options.Gen);
        var active = options;
        var found = ImmutableArray.CreateBuilder<FoundOrdering>();
        int tests = 0;
        long steps = 0;
        var stop = CheckStop.Finished;
        while (tests < options.MaxTests)
        {
            if (options.Cancel.IsCancellationRequested)
            {
                stop = CheckStop.Interrupted;
                break;
            }
            if (options.TimeBudgetSeconds is double budget && clock.Elapsed.TotalSeconds >= budget)
            {
                stop = CheckStop.TimeBudget;
                break;
            }
            int batch = Math.Min(BatchSize, options.MaxTests - tests);
            var results = new RunResult[batch];
            var run = active;
            Parallel.For(0, batch, k => results[k] = RunTest(m, choices, run, tests + k));
            for (int k = 0; k < batch; k++)
            {
                steps += results[k].Events.Length;
                if (results[k].First is not { } v || found.Any(f => f.Counterexample.Violation.Property == v.Violation.Property))
                    continue;
                var failing = new List<int>();
                for (int j = k; j < batch; j++)
                    if (results[j].First is { } o && o.Violation.Property == v.Violation.Property)
                        failing.Add(j);
                var others = Starts(failing, j => results[j].First!.Violation, j => results[j].Events.Length).Skip(1).Select(j => Found(m, results[j], tests + j));
                found.Add(Found(m, results[k], tests + k) with { Others = [.. others] });
                if (!options.All)
                    return Outcome(tests + k + 1, CheckStop.FirstCounterexample);
            }
            tests += batch;
            progress?.Invoke(new CheckProgress(tests, steps, options.MaxTests));
            if (found.Count > 0)
            {
                // Later batches look only for the properties not broken yet; the batch size, not timing, decides which.
                active = options with { Invariants = [.. options.Invariants.Where(i => found.All(f => f.Counterexample.Violation.Property != i.Name))] };
                if (active.Invariants.IsEmpty)
                {
                    stop = CheckStop.EveryPropertyBroken;
                    break;
                }
            }
        }
        return Outcome(tests, stop);

        CheckOutcome Outcome(int tried, CheckStop why)
        {
            var first = found.Count > 0 ? found[0] : null;
            return new CheckOutcome(tried, steps, first?.Counterexample, first?.Ordering ?? -1, clock.ElapsedMilliseconds)
            {
                AllFound = found.ToImmutable(),
                Stop = why,
            };
        }
    }

    /// <summary>
    /// The starting points for the shrinker among FAILING (a batch's failing orderings of one
    /// property, in ordering order; the first is the one reported as found, and always a start):
    /// at most <see cref="MaxStarts"/>, chosen for diversity rather than in ordering order. The
    /// orderings are put in classes by the devices their violation names (as a set), the classes
    /// in the order of their first ordering, each class's orderings shortest first (by LENGTH,
    /// then ordering), and the starts after the first are taken round-robin: the shortest of every
    /// class, then the second shortest of every class, and so on. Shrinking is a local search,
    /// and a violation on another part of the machine is another basin (on the pcie-switch-acs
    /// nearly every ordering splits the conventional PCI pair below the PCIe-to-PCI bridge first,
    /// which shrinks to 10 events, while the few that split the function pair below the non-ACS
    /// switch port first shrink to 8): orderings taken in ordering order can all be of one class
    /// and miss the shorter basin. Within a class the shorter orderings have taken fewer detours
    /// (on arm32-ipmmu-teardown the 6- to 8-event orderings that break 2b500000.dma's teardown
    /// shrink to 2 events, the 12- to 16-event ones to 4). The batch is fixed by the seed, so
    /// the choice does not depend on timing or core count.
    /// </summary>
    public static IEnumerable<int> Starts(IReadOnlyList<int> failing, Func<int, Violation> violation, Func<int, int> length)
    {
        if (failing.Count == 0)
            yield break;
        yield return failing[0];
        var classes = new List<List<int>>();
        var byKey = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (int j in failing)
        {
            string key = string.Join("\n", violation(j).Devices.Order(StringComparer.Ordinal));
            if (!byKey.TryGetValue(key, out var members))
            {
                byKey[key] = members = [];
                classes.Add(members);
            }
            if (j != failing[0])
                members.Add(j);
        }
        foreach (var members in classes)
            members.Sort((a, b) => length(a) != length(b) ? length(a).CompareTo(length(b)) : a.CompareTo(b));
        int taken = 1;
        for (int round = 0; taken < MaxStarts; round++)
        {
            bool any = false;
            foreach (var members in classes)
                if (round < members.Count && taken < MaxStarts)
                {
                    any = true;
                    taken++;
                    yield return members[round];
                }
            if (!any)
                yield break;
        }
    }

    private static FoundOrdering Found(Machine m, RunResult r, int ordering) =>
        new(new Counterexample(m, [.. r.Events.Select(e => e.Event)], r.First!.Violation, r.Final), ordering);

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
        var checks = new SequentialChecks(options.Invariants);
        foreach (int choice in EventGen.Draw(choices, TestSeed(options.Seed, test)))
        {
            var candidates = EventGen.Candidates(w, options.Gen);
            if (candidates.IsEmpty)
                break;
            var e = EventGen.Pick(candidates, choice);
            var before = w;
            w = Kernel.Step(w, e);
            done.Add(new TimedEvent(e, null));
            if (checks.First(new StepView(before, e, w)) is { } v)
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
        {
            if (Runner.TimeoutBefore(w, t) is { } timeout)
                Take(timeout);
            Take(t);
        }
        while (Runner.AfterScript(w) is { } next)
            Take(next);
        return events.ToImmutable();

        // Stepped at the script's times so that the 6.15 timeout falls where it would; the
        // ordering itself is replayed without them, each timed action taking its `at:` from the
        // machine's timeline (Kernel.TimeOf).
        void Take(TimedEvent t)
        {
            if (!Kernel.IsEnabled(w, t.Event))
                return;
            w = Kernel.Step(w, t.Event, t.AtMicros);
            events.Add(t.Event);
        }
    }

}
