using System.Diagnostics;
using System.Text.Json;

namespace Checker.Model.Tests.Exhaustive;

public class CorpusTests
{
    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "checker-corpus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static (int Code, string Out) Cli(params string[] args)
    {
        var r = Support.CliRun.Run(args);
        return (r.Exit, r.Out + r.Err);
    }

    [Fact]
    public void Explore_writes_a_corpus_that_replays_and_merges_without_duplicates()
    {
        var scenario = ScenarioFiles.Path("coherent-mask-overflow");
        var (a, b, merged) = (TempDir(), TempDir(), TempDir());
        Assert.Equal(1, Cli("explore", scenario, "--depth", "8", "--shard", "1/2", "--corpus", a, "--json", Path.Combine(a, "..", Path.GetFileName(a) + ".out")).Code);
        Cli("explore", scenario, "--depth", "8", "--shard", "2/2", "--corpus", b);
        var (whole, _) = (TempDir(), Cli("explore", scenario, "--depth", "8", "--corpus", merged));
        Assert.NotEmpty(Directory.GetFiles(merged, "*.json"));
        var (code, text) = Cli("corpus", "merge", a, b, "-o", whole);
        Assert.Equal(0, code);
        var (replayCode, table) = Cli("corpus", "replay", whole);
        Assert.Equal(1, replayCode);
        Assert.Contains("still fails", table);
        foreach (var file in Directory.GetFiles(whole, "*.json"))
            Assert.Equal(1, Cli("replay", file).Code);
        Assert.Equal(Directory.GetFiles(whole, "*.json").Length, Directory.GetFiles(whole, "*.json").Select(Path.GetFileName).Distinct().Count());
        Assert.Contains("entries", text);
    }

    [Fact]
    public void Explore_json_is_byte_identical_across_runs_apart_from_stats()
    {
        var scenario = ScenarioFiles.Path("coherent-mask-overflow");
        static string WithoutStats(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return string.Join("\n", doc.RootElement.EnumerateObject().Where(p => p.Name != "stats").Select(p => p.ToString()));
        }
        var first = Cli("explore", scenario, "--depth", "8", "--json", "-").Out;
        var second = Cli("explore", scenario, "--depth", "8", "--json", "-").Out;
        Assert.Equal(WithoutStats(first), WithoutStats(second));
        Assert.Equal(first[..first.IndexOf("\"stats\"", StringComparison.Ordinal)], second[..second.IndexOf("\"stats\"", StringComparison.Ordinal)]);
    }

    [Fact]
    public void Killing_explore_at_random_moments_leaves_only_valid_json_in_the_corpus()
    {
        var dll = typeof(Checker.Cli.Cli).Assembly.Location;
        var dir = TempDir();
        var random = new Random(6);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 20 && clock.Elapsed < TimeSpan.FromSeconds(25); i++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { dll, "explore", ScenarioFiles.Path("hisilicon-d05-mlx5-module"), "--depth", "8", "--corpus", dir })
                start.ArgumentList.Add(arg);
            using var p = Process.Start(start)!;
            Thread.Sleep(random.Next(100, 900));
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            foreach (var file in Directory.GetFiles(dir, "*.json"))
                using (JsonDocument.Parse(File.ReadAllText(file)))
                    Assert.Equal("counterexample", JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("document").GetString());
        }
    }
}
