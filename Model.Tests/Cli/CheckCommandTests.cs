using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

public class CheckCommandTests
{
    private static readonly HashSet<string> AllowedDevices =
        ["arm-smmu-v3.3.auto", "000a:10:00.0", "000a:11:00.0", "000a:11:00.1", "000a:11:00.2", "000a:11:00.3"];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 20)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void D05_check_shrinks_the_split_group_to_at_most_six_events_on_the_Mellanox_port(int seed)
    {
        var r = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--property", "NonAcsSiblingsShareGroup",
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", "-");
        Assert.Equal(1, r.Exit);
        Assert.Equal("counterexample", r.Json.GetProperty("verdict").GetString());
        var json = CliRun.FirstCounterexample(r.Json);
        Assert.Equal("counterexample", json.GetProperty("verdict").GetString());
        Assert.Equal("NonAcsSiblingsShareGroup", json.GetProperty("property").GetString());
        Assert.True(json.GetProperty("events").GetArrayLength() <= 6);
        var devices = json.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.All(devices, d => Assert.Contains(d, AllowedDevices));
        var drivers = json.GetProperty("drivers").EnumerateArray().Select(d => d.GetProperty("name").GetString()).ToList();
        Assert.All(drivers, d => Assert.Contains(d, new[] { "arm-smmu-v3", "pcieport", "mlx5_core" }));
        var groupLines = json.GetProperty("bootLog").EnumerateArray().Select(l => l.GetString()!)
            .Where(l => l.Contains("Adding to iommu group", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, groupLines.Select(l => l[(l.LastIndexOf(' ') + 1)..]).Distinct().Count());
    }

    [Fact]
    public void D05_per_instance_passes_ten_thousand_orderings()
    {
        var r = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--property", "NonAcsSiblingsShareGroup",
            "--seed", "1", "--variant", "groups=per-instance", "--json", "-");
        Assert.Equal(0, r.Exit);
        Assert.Equal("passed", r.Json.GetProperty("verdict").GetString());
        Assert.True(r.Json.GetProperty("stats").GetProperty("tests").GetInt32() >= 10_000);
    }

    [Fact]
    public void The_same_seed_gives_the_same_json_and_replay_gives_the_same_counterexample()
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-d05-{Guid.NewGuid():N}.json");
        try
        {
            var first = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--seed", "3", "--json", path);
            var second = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--seed", "3", "--json", "-");
            Assert.Equal(1, first.Exit);
            var saved = File.ReadAllText(path);
            Assert.Equal(CliRun.WithoutStatsAndPaths(saved), CliRun.WithoutStatsAndPaths(second.Out));

            var replay = CliRun.Run("replay", path, "--json");
            Assert.Equal(1, replay.Exit);
            // The same counterexample, its scenario path relative to where each was written.
            var recorded = System.Text.Json.Nodes.JsonNode.Parse(saved)!["counterexamples"]![0]!.AsObject();
            var replayed = System.Text.Json.Nodes.JsonNode.Parse(replay.Out)!.AsObject();
            Assert.Equal("scenarios/hisilicon-d05-builtin.yaml", (string?)replayed["scenario"]!["path"]);
            Assert.Equal(Path.GetRelativePath(Path.GetTempPath(), Path.Combine(ScenarioFiles.RepoRoot, "scenarios/hisilicon-d05-builtin.yaml")).Replace('\\', '/'),
                (string?)recorded["scenario"]!["path"]);
            Assert.Equal(CliRun.WithoutStatsAndPaths(recorded.ToJsonString()), CliRun.WithoutStatsAndPaths(replayed.ToJsonString()));

            var textCheck = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--seed", "3");
            var textReplay = CliRun.Run("replay", path);
            Assert.StartsWith(textReplay.Out, textCheck.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_printed_replay_command_reproduces_the_counterexample()
    {
        var r = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--variant", "mask=mask-max", "--seed", "4", "--max-tests", "300", "--json", "-");
        var replay = CliRun.FirstCounterexample(r.Json).GetProperty("replay").GetString()!;
        Assert.StartsWith("checker check ", replay);
        var again = CliRun.Run([.. replay.Split(' ').Skip(1), "--json", "-"]);
        Assert.Equal(CliRun.WithoutStats(r.Out), CliRun.WithoutStats(again.Out));
    }

    [Fact]
    public void Junit_report_has_one_test_case_per_property()
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-junit-{Guid.NewGuid():N}.xml");
        try
        {
            var r = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--seed", "1", "--junit", path);
            Assert.Equal(1, r.Exit);
            var doc = System.Xml.Linq.XDocument.Load(path);
            var cases = doc.Descendants("testcase").ToList();
            Assert.Equal(12, cases.Count);
            Assert.Single(cases, c => c.Element("failure") is not null);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--property", "NoSuchInvariant")]
    [InlineData("--max-tests", "0")]
    [InlineData("--weight", "add=-1")]
    public void Bad_flags_exit_2(string flag, string value)
    {
        var r = CliRun.Run("check", "scenarios/probe-deferral-basic.yaml", flag, value);
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Out);
    }
}
