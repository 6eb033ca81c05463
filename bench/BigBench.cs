using System.Diagnostics;
using System.Globalization;
using Checker.Model.Scenario;

namespace Checker.Bench;

/// <summary>
/// `big [RUNS [N,N,...]]`: for each N (default 1,024, 2,048, ..., 65,536) writes the synthetic machine of
/// bench/BigMachine.cs to a temporary directory and times, in this process, after one warm-up run:
/// load (`ScenarioLoader.Load` of the file's text), `checker boot FILE` and `checker check FILE --max-tests 50`
/// (both through the CLI's entry point, output discarded; each includes its own load). Prints the median, the
/// runs and the exit codes. A measure whose run takes longer than BENCH_BIG_CAP seconds (default 120) is not
/// repeated and not run for larger N.
/// </summary>
public static class BigBench
{
    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var sizes = args.Length > 1
            ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : Enumerable.Range(10, 7).Select(k => 1 << k).ToArray();
        double cap = double.Parse(Environment.GetEnvironmentVariable("BENCH_BIG_CAP") ?? "120", CultureInfo.InvariantCulture);
        var only = Environment.GetEnvironmentVariable("BENCH_BIG_ONLY")?.Split(',');
        string dir = Path.Combine(Path.GetTempPath(), "checker-big-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        var capped = new HashSet<string>();
        try
        {
            Console.WriteLine($"| N | load (ms) | boot (ms) | check --max-tests 50 (ms) |");
            Console.WriteLine($"| --- | --- | --- | --- |");
            foreach (int n in sizes)
            {
                string file = Path.Combine(dir, $"big-{n}.yaml");
                File.WriteAllText(file, BigMachine.Scenario(n));
                string load = Measure("load", n, runs, cap, capped, only, () =>
                {
                    ScenarioLoader.Load(file, File.ReadAllText(file));
                    return 0;
                });
                string boot = Measure("boot", n, runs, cap, capped, only, () => Cli.Cli.Run(["boot", file], TextWriter.Null, TextWriter.Null));
                string check = Measure("check", n, runs, cap, capped, only, () => Cli.Cli.Run(["check", file, "--max-tests", "50"], TextWriter.Null, TextWriter.Null));
                Console.WriteLine($"| {n:N0} | {load} | {boot} | {check} |");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    private static string Measure(string what, int n, int runs, double cap, HashSet<string> capped, string[]? only, Func<int> run)
    {
        if (only is not null && !only.Contains(what))
            return "-";
        if (capped.Contains(what))
            return "not run (a smaller N took over the cap)";
        var times = new List<double>();
        var codes = new SortedSet<int>();
        for (int i = 0; i <= runs; i++)
        {
            var sw = Stopwatch.StartNew();
            codes.Add(run());
            double ms = sw.Elapsed.TotalMilliseconds;
            if (i > 0 || runs == 0)
                times.Add(ms);
            if (ms > cap * 1000)
            {
                capped.Add(what);
                if (times.Count == 0)
                    times.Add(ms);
                break;
            }
        }
        var sorted = times.Order().ToList();
        string all = string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)));
        return $"**{sorted[sorted.Count / 2].ToString("F0", CultureInfo.InvariantCulture)}** ({all}; exit {string.Join("/", codes)})";
    }
}
