using System.Text.Json;
using System.Text.Json.Nodes;

namespace Checker.Model.Tests.Regressions;

/// <summary>
/// Regression pinning: every counterexample JSON under scenarios/regressions/ (written by
/// `checker check --json FILE`) still fails when `checker replay` runs it, in process, under the
/// variants it recorded, with the same property and message.
/// </summary>
public class RegressionReplayTests
{
    private static string Folder => Path.Combine(ScenarioFiles.Directory, "regressions");

    public static TheoryData<string> Files =>
        [.. Directory.GetFiles(Folder, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Files))]
    public void Recorded_counterexample_still_fails_on_replay(string name)
    {
        var file = Path.Combine(Folder, name);
        var document = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        Assert.Equal("counterexample", (string?)document["verdict"]);
        var recorded = document["counterexamples"]![0]!.AsObject();
        // The file names its scenario relative to itself, so it replays from any working directory.
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Checker.Cli.Cli.Run(["replay", file, "--json"], stdout, stderr);
        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Equal("", stderr.ToString());
        var replayed = JsonNode.Parse(stdout.ToString())!.AsObject();
        Assert.Equal((string?)recorded["property"], (string?)replayed["property"]);
        Assert.Equal((string?)recorded["message"], (string?)replayed["message"]);
        Assert.Equal(recorded["variants"]!.ToJsonString(), replayed["variants"]!.ToJsonString());
        Assert.Equal(recorded["events"]!.ToJsonString(), replayed["events"]!.ToJsonString());
    }

    [Fact]
    public void There_is_a_regression_for_d05_and_for_every_bug_scenario()
    {
        var scenarios = Directory.GetFiles(Folder, "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("scenario").GetProperty("path").GetString())
            .ToHashSet();
        foreach (var s in new[]
        {
            "hisilicon-d05-builtin", "arm32-ipmmu-teardown", "smmu-context-exhaustion", "coherent-mask-overflow",
            "modular-smmu-acpi", "modular-smmu-dt", "fw-devlink-supplier-missing", "virtio-iommu-reload", "pcie-switch-acs",
        })
            Assert.Contains($"../{s}.yaml", scenarios);
    }
}
