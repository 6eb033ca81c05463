using System.Collections.Immutable;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Checker.Model.Events;
using Checker.Model.Scenario;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exhaustive;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;
using FsCheck;
using FsCheck.Fluent;

namespace Checker.Bench;

/// <summary>
/// `quick`: Stopwatch medians of every figure of docs/PERFORMANCE.md; `shards DEPTH [N...]`: the
/// per-shard work table of docs/nightly.md; `profile bfs|check|step|logged SECONDS`:
/// one workload in a loop, to run under `dotnet-trace collect`; `big-scenario N FILE`: write the synthetic machine
/// of N devices; `big [RUNS [N,N,...]]`: load, boot and check times of those machines; anything else: BenchmarkDotNet.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "quick")
            return Quick.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
        if (args.Length > 0 && args[0] == "shards")
            return Shards.Run(args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        if (args.Length > 2 && args[0] == "big-scenario")
        {
            File.WriteAllText(args[2], BigMachine.Scenario(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)));
            return 0;
        }
        if (args.Length > 0 && args[0] == "big")
            return BigBench.Run(args[1..]);
        if (args.Length > 1 && args[0] == "profile")
            return Profile.Run(args[1], args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 15);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

/// <summary>One workload, repeated for a time, for a profiler to sample (docs/PERFORMANCE.md, "Where the time goes").</summary>
public static class Profile
{
    public static int Run(string what, double seconds)
    {
        var m = D05.Load();
        var ordering = D05.Ordering(m);
        var sw = Stopwatch.StartNew();
        long n = 0;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            switch (what)
            {
                case "bfs":
                    n += StateSpace.Explore(m, new ExploreOptions([GroupInvariants.NonAcsSiblingsShareGroup], Strategy.Bfs, 5, null, Shard.Whole, GenConfig.Default)).States;
                    break;
                case "check":
                    n += Explorer.Check(m, new CheckOptions([GroupInvariants.GroupedByOwnIommu], 99, 2000, null, GenConfig.Default)).Steps;
                    break;
                case "step" or "logged":
                    var w = Kernel.Boot(m) with { Quiet = what == "step" };
                    foreach (var e in ordering)
                        w = Kernel.Step(w, e);
                    n += ordering.Length;
                    break;
                default:
                    Console.Error.WriteLine($"profile: unknown workload '{what}' (bfs, check, step, logged)");
                    return 2;
            }
        }
        Console.WriteLine($"{what}: {n} in {sw.Elapsed.TotalSeconds:F1} s, {GC.GetTotalAllocatedBytes() / n} bytes allocated each, gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, GC pause {GC.GetTotalPauseDuration().TotalSeconds:F1} s");
        return 0;
    }
}

public static class D05
{
    public static Machine Load() => ScenarioLoader.Load("scenarios/hisilicon-d05-builtin.yaml",
        File.ReadAllText(Path.Combine(Root(), "scenarios", "hisilicon-d05-builtin.yaml")));

    private static string Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Checker.sln")))
                return d.FullName;
        return Directory.GetCurrentDirectory();
    }

    /// <summary>The scripted boot of D05 (31 events) as the step workload.</summary>
    public static ImmutableArray<Event> Ordering(Machine m) => Explorer.ScriptOrdering(m);
}

/// <summary>The stock way: FsCheck lists of events over the whole alphabet, disabled events no-ops, default list shrinking.</summary>
public static class Baseline
{
    public static (int Length, long Tests, long ShrinkTries) FindAndShrink(Machine m, Invariant inv, ulong seed)
    {
        var alphabet = EventGen.Enabled(Kernel.Boot(m)).Select(c => c.Event)
            .Concat(m.Drivers.Select(d => (Event)new RegisterDriver(d.Index))).Concat(m.Devices.Select(d => (Event)new AddDevice(d.Index)))
            .Distinct().Where(e => e is not (FailNextProbe or FailNextAttach or FailDomainAlloc)).ToImmutableArray();
        var gen = Gen.ListOf(Gen.Choose(0, alphabet.Length - 1));
        long tests = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; clock.Elapsed.TotalSeconds < 20; i++)
        {
            var list = EventGen.Draw(gen.Select(l => l.ToList()), Explorer.TestSeed(seed, i), size: 60);
            tests++;
            if (!Fails(m, inv, alphabet, list))
                continue;
            long tries = 0;
            var shrinker = ArbMap.Default.ArbFor<List<int>>();
            bool improved = true;
            while (improved)
            {
                improved = false;
                foreach (var smaller in shrinker.Shrinker(list))
                {
                    tries++;
                    if (Fails(m, inv, alphabet, smaller))
                    {
                        list = smaller;
                        improved = true;
                        break;
                    }
                }
            }
            return (list.Count, tests, tries);
        }
        return (-1, tests, 0);
    }

    private static bool Fails(Machine m, Invariant inv, ImmutableArray<Event> alphabet, List<int> list)
    {
        var w = Kernel.Boot(m);
        foreach (int i in list)
        {
            var e = alphabet[i];
            if (!Kernel.IsEnabled(w, e))
                continue;
            var before = w;
            w = Kernel.Step(w, e);
            if (inv.Check(new StepView(before, e, w)) is not null)
                return true;
        }
        return false;
    }
}

public static class Quick
{
    public static int Run(int runs)
    {
        var m = D05.Load();
        var inv = GroupInvariants.NonAcsSiblingsShareGroup;
        var ordering = D05.Ordering(m);
        if (Environment.GetEnvironmentVariable("BENCH_BREAKDOWN") is not null)
        {
            Breakdown(m, inv);
            return 0;
        }
        if (Environment.GetEnvironmentVariable("BENCH_ONLY_BASELINE") is null)
        {
        Report("step (D05 boot ordering, 1 core)", runs, () =>
        {
            long steps = 0;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 1000)
            {
                var w = Kernel.Boot(m);
                foreach (var e in ordering)
                    w = Kernel.Step(w, e);
                steps += ordering.Length;
            }
            return steps / sw.Elapsed.TotalSeconds;
        }, "steps/s");
        Report("step, quiet world as exploration steps it (D05 boot ordering, 1 core)", runs, () =>
        {
            long steps = 0;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 1000)
            {
                var w = Kernel.Boot(m) with { Quiet = true };
                foreach (var e in ordering)
                    w = Kernel.Step(w, e);
                steps += ordering.Length;
            }
            return steps / sw.Elapsed.TotalSeconds;
        }, "steps/s");
        Report("check throughput (GroupedByOwnIommu, 2000 orderings, 2 cores)", runs, () =>
        {
            var o = Explorer.Check(m, new CheckOptions([GroupInvariants.GroupedByOwnIommu], 99, 2000, null, GenConfig.Default));
            Console.WriteLine($"    {o.Tests} orderings, {o.Steps} steps in {o.Milliseconds} ms: {o.Tests / (o.Milliseconds / 1000.0):N0} sequences/s");
            return o.Steps / (o.Milliseconds / 1000.0);
        }, "steps/s");
        Report("explore bfs D05 to depth 5 (states/s)", runs, () =>
        {
            var o = StateSpace.Explore(m, new ExploreOptions([inv], Strategy.Bfs, 5, null, Shard.Whole, GenConfig.Default));
            return o.States / (o.Milliseconds / 1000.0);
        }, "states/s");
        Report("check: time to shrunk counterexample (ms)", runs, () =>
        {
            var sw = Stopwatch.StartNew();
            var found = Explorer.Check(m, new CheckOptions([inv], 1, 1000, null, GenConfig.Default)).Found!;
            var first = sw.Elapsed.TotalMilliseconds;
            var len = found.Shrink(inv).Shrunk.Events.Length;
            Console.WriteLine($"    first {first:F1} ms, shrunk to {len} events");
            return sw.Elapsed.TotalMilliseconds;
        }, "ms");
        }
        if (Environment.GetEnvironmentVariable("BENCH_SKIP_BASELINE") is null)
        Report("baseline FsCheck ListOf + default list shrinker: time to shrunk (ms)", runs, () =>
        {
            var sw = Stopwatch.StartNew();
            var (len, tests, tries) = Baseline.FindAndShrink(m, inv, 1);
            Console.WriteLine(len < 0 ? $"    no failure in {tests} lists (20 s cap)" : $"    {tests} lists to a failure, {tries} shrink tries, shrunk to {len} events");
            return sw.Elapsed.TotalMilliseconds;
        }, "ms");
        return 0;
    }

    /// <summary>Where a BFS state's time goes: events, steps, fingerprints, invariant checks (one core, Stopwatch).</summary>
    private static void Breakdown(Machine m, Invariant inv)
    {
        // BENCH_BREAKDOWN_DEPTH (default 3): the depth of the sampled states; BFS to the D05's
        // 6-event counterexample spends most of its time on levels 4 and 5.
        int depth = int.TryParse(Environment.GetEnvironmentVariable("BENCH_BREAKDOWN_DEPTH"), out int dd) ? dd : 3;
        var boot = Successors.Stored(Kernel.Boot(m));
        var states = new List<World> { boot };
        for (int d = 0; d < depth; d++)
        {
            var next = states.SelectMany(w => Successors.Events(w, GenConfig.Default).Select(e => Successors.Stored(Kernel.Step(w, e)))).ToList();
            // Every k-th state rather than the first ones, so the sample spans the level.
            int stride = Math.Max(1, next.Count / 4000);
            states = [.. next.Where((_, i) => i % stride == 0).Take(4000)];
        }
        for (int round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            long n = 0;
            foreach (var w in states)
                foreach (var e in Successors.Events(w, GenConfig.Default))
                    n++;
            double tEvents = sw.Elapsed.TotalMilliseconds;
            var pairs = new List<(World, Event, World)>();
            sw.Restart();
            foreach (var w in states)
                foreach (var e in Successors.Events(w, GenConfig.Default))
                    pairs.Add((w, e, Kernel.Step(w, e)));
            double tSteps = sw.Elapsed.TotalMilliseconds - tEvents;
            sw.Restart();
            ulong x = 0;
            foreach (var (_, _, a) in pairs)
                x ^= Fingerprint.Of(a);
            double tFp = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            ulong xr = 0;
            foreach (var (_, _, a) in pairs)
                xr ^= Fingerprint.Of(a, reduce: true);
            double tFpReduced = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            int v = 0;
            foreach (var (b, e, a) in pairs)
                if (inv.Check(new StepView(b, e, a)) is not null)
                    v++;
            double tInv = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"{states.Count} states at depth {depth}, {n} transitions: events {tEvents:F0} ms, steps {tSteps:F0} ms, fingerprints {tFp:F0} ms, reduced {tFpReduced:F0} ms, invariant {tInv:F0} ms (fingerprints xor {x:X16}, reduced {xr:X16}, {v} violations)");
            Console.WriteLine($"  per transition: events {tEvents * 1000 / n:F2} µs, step {tSteps * 1000 / n:F2} µs, fp {tFp * 1000 / n:F2} µs, reduced fp {tFpReduced * 1000 / n:F2} µs, inv {tInv * 1000 / n:F2} µs");
        }
    }

    private static void Report(string what, int runs, Func<double> measure, string unit)
    {
        measure();
        var values = Enumerable.Range(0, runs).Select(_ => measure()).Order().ToList();
        Console.WriteLine($"{what}: median {values[values.Count / 2]:N0} {unit} (min {values[0]:N0}, max {values[^1]:N0}, {runs} runs)");
    }
}

[MemoryDiagnoser]
public class StepBenchmark
{
    private readonly Machine _m = D05.Load();
    private ImmutableArray<Event> _ordering;

    [GlobalSetup]
    public void Setup() => _ordering = D05.Ordering(_m);

    [Benchmark]
    public World BootOrdering()
    {
        var w = Kernel.Boot(_m);
        foreach (var e in _ordering)
            w = Kernel.Step(w, e);
        return w;
    }

    [Benchmark]
    public ulong FingerprintOfBooted() => Fingerprint.Of(BootOrdering());
}
