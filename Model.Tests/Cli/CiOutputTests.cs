using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

/// <summary>What CI reads besides JUnit: the matrix's replay lines and the GitHub job summaries.</summary>
public class CiOutputTests
{
    private static string Summary(params string[] args)
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-summary-{Guid.NewGuid():N}.md");
        try
        {
            var r = CliRun.Run([.. args, "--summary", path]);
            Assert.True(r.Exit is 0 or 1 or 4, r.Err);
            return File.ReadAllText(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Matrix_text_gives_each_failing_cell_a_replay_command_that_finds_it_again()
    {
        var r = CliRun.Run("matrix", "scenarios/hisilicon-d05-builtin.yaml", "--property", "NonAcsSiblingsShareGroup", "--max-tests", "20");
        Assert.Equal(1, r.Exit);
        var lines = r.Out.Split('\n');
        var notes = lines.Where(l => l.StartsWith('[')).ToList();
        var replays = lines.Where(l => l.StartsWith("    Replay: checker check ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(notes);
        Assert.Equal(notes.Count, replays.Count);
        Assert.Contains("    Replay: checker check scenarios/hisilicon-d05-builtin.yaml --property NonAcsSiblingsShareGroup --seed 1 --max-tests 20", replays);

        var bus = replays.Single(l => l.Contains("groups=bus-replay", StringComparison.Ordinal));
        var again = CliRun.Run([.. bus["    Replay: checker ".Length..].Split(' ')]);
        Assert.Equal(1, again.Exit);
        Assert.Contains("NonAcsSiblingsShareGroup is broken", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_summary_is_markdown_with_every_property_and_the_counterexample_replay()
    {
        var md = Summary("explore", "scenarios/coherent-mask-overflow.yaml", "--depth", "12");
        Assert.StartsWith("## checker explore `scenarios/coherent-mask-overflow.yaml`\n", md, StringComparison.Ordinal);
        Assert.Contains("| property | result |\n| --- | --- |\n", md, StringComparison.Ordinal);
        Assert.Contains("| CoherentMaskCoversRange | ❌ 2 events |", md, StringComparison.Ordinal);
        // The machine has no IOMMU: NoDmaBypass has nothing to compare.
        Assert.Contains("| NoDmaBypass | ⚪ vacuous |", md, StringComparison.Ordinal);
        Assert.Contains("Replay: `checker explore scenarios/coherent-mask-overflow.yaml", md, StringComparison.Ordinal);
        Assert.Equal(12, md.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| property", StringComparison.Ordinal) && !l.StartsWith("| ---", StringComparison.Ordinal)));
    }

    [Fact]
    public void Matrix_summary_is_the_same_bytes_for_the_same_run_and_appends()
    {
        string[] args = ["matrix", "scenarios/hisilicon-d05-builtin.yaml", "--property", "NonAcsSiblingsShareGroup", "--max-tests", "20"];
        var path = Path.Combine(Path.GetTempPath(), $"checker-summary-{Guid.NewGuid():N}.md");
        try
        {
            File.WriteAllText(path, "earlier step\n");
            Assert.Equal(1, CliRun.Run([.. args, "--summary", path]).Exit);
            var md = File.ReadAllText(path);
            Assert.StartsWith("earlier step\n## checker matrix `scenarios/hisilicon-d05-builtin.yaml`\n", md, StringComparison.Ordinal);
            Assert.Contains("| groups=probe-time | 5.3 | ❌ 6ev [1] |", md, StringComparison.Ordinal);
            Assert.Contains("Replay: `checker check scenarios/hisilicon-d05-builtin.yaml --property NonAcsSiblingsShareGroup --seed 1 --max-tests 20`", md, StringComparison.Ordinal);
            Assert.Equal(md["earlier step\n".Length..], Summary(args));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
