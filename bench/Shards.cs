using System.Globalization;
using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Bench;

/// <summary>
/// `shards DEPTH [N...]` (default N = 1 2 4 8 16): the D05 explored by bfs to DEPTH as `explore`
/// does (every property, the default events, the reduced fingerprint), once whole and then as every
/// shard I/N one after another; a markdown table of each shard's work (split level, frontier kept,
/// states, prefix and subtree transitions, milliseconds), and per N the largest shard's transitions
/// over total/N and whether the shards' verdicts together are the whole run's. Everything but the
/// milliseconds is a function of DEPTH and N.
/// </summary>
public static class Shards
{
    public static int Run(int[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("shards: usage: shards DEPTH [N...]");
            return 2;
        }
        int depth = args[0];
        var counts = args.Length > 1 ? args[1..] : [1, 2, 4, 8, 16];
        var m = D05.Load();
        bool por = Environment.GetEnvironmentVariable("BENCH_SHARDS_POR") == "1";
        ExploreOptions Options(Shard shard) => new(Catalogue.All, Strategy.Bfs, depth, null, shard, GenConfig.Default) { PartialOrder = por };
        var whole = StateSpace.Explore(m, Options(Shard.Whole));
        var verdict = Verdict(whole.Found.Select(f => (f.Violation.Property, f.Events.Length)), whole.Complete);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"D05 (scenarios/hisilicon-d05-builtin.yaml), bfs --depth {depth}{(por ? " --por" : "")}, unsharded: {whole.States:N0} states, {whole.Transitions:N0} transitions, {whole.Milliseconds / 1000.0:F1} s; broken: {verdict}"));
        Console.WriteLine();
        Console.WriteLine("| N | shard | split level | frontier kept | states | prefix transitions | subtree transitions | transitions | s |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var summary = new List<string>();
        foreach (int n in counts)
        {
            var shards = Enumerable.Range(0, n).Select(i => StateSpace.Explore(m, Options(new Shard(i, n)))).ToList();
            for (int i = 0; i < n; i++)
            {
                var s = shards[i];
                long prefix = s.Split?.PrefixTransitions ?? 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {n} | {i + 1} | {(s.Split is { } w ? w.Level.ToString(CultureInfo.InvariantCulture) : "-")} | {(s.Split is { } k ? $"{k.KeptStates:N0} of {k.FrontierStates:N0}" : "-")} | {s.States:N0} | {prefix:N0} | {s.Transitions - prefix:N0} | {s.Transitions:N0} | {s.Milliseconds / 1000.0:F1} |"));
            }
            long max = shards.Max(s => s.Transitions), sum = shards.Sum(s => s.Transitions);
            var union = Verdict(shards.SelectMany(s => s.Found).GroupBy(f => f.Violation.Property).Select(g => (g.Key, g.Min(f => f.Events.Length))),
                shards.All(s => s.Complete));
            summary.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {sum:N0} | {(double)sum / whole.Transitions:F2} | {max:N0} | {max / ((double)whole.Transitions / n):F2} | {shards.Max(s => s.Milliseconds) / 1000.0:F1} | {shards.Sum(s => s.Milliseconds) / 1000.0:F1} | {(union == verdict ? "same" : "DIFFERENT: " + union)} |"));
        }
        Console.WriteLine();
        Console.WriteLine("| N | transitions, all shards | / unsharded | largest shard | largest / (total/N) | slowest shard, s | all shards, s | verdicts |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        summary.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>The broken properties with their shortest counterexample lengths, and whether the space was exhausted.</summary>
    private static string Verdict(IEnumerable<(string Property, int Length)> found, bool complete) =>
        string.Join(", ", found.OrderBy(f => f.Property, StringComparer.Ordinal).Select(f => $"{f.Property} in {f.Length}"))
        + (complete ? "; complete" : "; bound reached");
}
