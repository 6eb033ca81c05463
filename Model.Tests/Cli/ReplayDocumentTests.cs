using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

/// <summary>Saved documents replay from anywhere: the scenario path is relative to the file, its text and hash travel with it.</summary>
public class ReplayDocumentTests
{
    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "checker-replay-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static CliRun.Result RunIn(string dir, params string[] args) => CliRun.RunIn(dir, args);

    [Fact]
    public void A_counterexample_saved_next_to_its_scenario_replays_from_another_directory_and_notices_an_edit()
    {
        var project = TempDir();
        var elsewhere = TempDir();
        try
        {
            Directory.CreateDirectory(Path.Combine(project, "scenarios"));
            var scenario = Path.Combine(project, "scenarios", "d05.yaml");
            File.Copy(ScenarioFiles.Path("hisilicon-d05-builtin"), scenario);
            var made = RunIn(project, "check", "scenarios/d05.yaml", "--property", "NonAcsSiblingsShareGroup", "--json", "cex.json");
            Assert.Equal(1, made.Exit);
            Assert.Contains("\"path\": \"scenarios/d05.yaml\"", File.ReadAllText(Path.Combine(project, "cex.json")));

            var replay = RunIn(elsewhere, "replay", Path.Combine(project, "cex.json"));
            Assert.Equal(1, replay.Exit);
            Assert.Equal("", replay.Err);
            Assert.Contains("NonAcsSiblingsShareGroup is broken", replay.Out);

            File.AppendAllText(scenario, "# edited\n");
            var changed = RunIn(elsewhere, "replay", Path.Combine(project, "cex.json"));
            Assert.Equal(1, changed.Exit);
            Assert.Contains("changed since the counterexample was recorded", changed.Err);
            Assert.Contains("--embedded", changed.Err);

            File.WriteAllText(scenario, "name: broken\n");
            var embedded = RunIn(elsewhere, "replay", Path.Combine(project, "cex.json"), "--embedded");
            Assert.Equal(1, embedded.Exit);
            Assert.Contains("replaying the recorded copy", embedded.Err);

            File.Delete(scenario);
            var gone = RunIn(elsewhere, "replay", Path.Combine(project, "cex.json"));
            Assert.Equal(1, gone.Exit);
            Assert.Contains("cannot be read: replaying the copy embedded", gone.Err);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public void Replay_takes_explore_and_matrix_documents_by_index_or_property()
    {
        var dir = TempDir();
        try
        {
            var explore = Path.Combine(dir, "explore.json");
            // modular-smmu-dt: the masters bind on direct ops at late_initcall, the module loads after.
            Assert.Equal(1, CliRun.Run("explore", "scenarios/modular-smmu-dt.yaml", "--depth", "8", "--json", explore).Exit);
            var byProperty = CliRun.Run("replay", explore, "--property", "NoDmaBypass", "--json");
            Assert.Equal(1, byProperty.Exit);
            Assert.Equal("NoDmaBypass", byProperty.Json.GetProperty("property").GetString());
            Assert.Equal(1, CliRun.Run("replay", explore, "--index", "1").Exit);
            var badIndex = CliRun.Run("replay", explore, "--index", "99");
            Assert.Equal(2, badIndex.Exit);
            Assert.Contains("--index 99", badIndex.Err);

            var matrix = Path.Combine(dir, "matrix.json");
            Assert.Equal(1, CliRun.Run("matrix", "scenarios/coherent-mask-overflow.yaml", "--property", "CoherentMaskCoversRange", "--max-tests", "50", "--json", matrix).Exit);
            var cell = CliRun.Run("replay", matrix, "--property", "CoherentMaskCoversRange", "--json");
            Assert.Equal(1, cell.Exit);
            Assert.Equal("CoherentMaskCoversRange", cell.Json.GetProperty("property").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("[1, 2]", "not an object")]
    [InlineData("{\"status\": \"counterexample\"}", "no \"document\" member")]
    [InlineData("{\"document\": \"counterexample\", \"schemaVersion\": 2}", "a required member is missing")]
    [InlineData("{\"document\": \"weather\"}", "is not one of counterexample, check, explore, matrix")]
    public void Bad_json_is_exit_2_with_a_clear_message(string text, string expected)
    {
        var dir = TempDir();
        try
        {
            var file = Path.Combine(dir, "bad.json");
            File.WriteAllText(file, text);
            var r = CliRun.Run("replay", file);
            Assert.Equal(2, r.Exit);
            Assert.Contains(expected, r.Err);
            Assert.DoesNotContain("System.", r.Err);
            Assert.Equal("", r.Out);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
