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
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name)))!.AsObject();
        Assert.Equal("counterexample", (string?)recorded["status"]);
        // The file names its scenario relative to the repository root; replay it from a copy that names it absolutely.
        var copy = recorded.DeepClone().AsObject();
        copy["scenario"] = Path.Combine(ScenarioFiles.RepoRoot, (string)recorded["scenario"]!);
        var temp = Path.Combine(Path.GetTempPath(), $"checker-regression-{Environment.ProcessId}-{name}");
        File.WriteAllText(temp, copy.ToJsonString());
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int exit = Checker.Cli.Cli.Run(["replay", temp, "--json"], stdout, stderr);
            Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
            var replayed = JsonNode.Parse(stdout.ToString())!.AsObject();
            Assert.Equal((string?)recorded["property"], (string?)replayed["property"]);
            Assert.Equal((string?)recorded["message"], (string?)replayed["message"]);
            Assert.Equal(recorded["variants"]!.ToJsonString(), replayed["variants"]!.ToJsonString());
            Assert.Equal(recorded["events"]!.ToJsonString(), replayed["events"]!.ToJsonString());
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [Fact]
    public void There_is_a_regression_for_d05_and_for_every_bug_scenario()
    {
        var scenarios = Directory.GetFiles(Folder, "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("scenario").GetString())
            .ToHashSet();
        foreach (var s in new[]
        {
            "hisilicon-d05-builtin", "arm32-ipmmu-teardown", "smmu-context-exhaustion", "coherent-mask-overflow",
            "modular-smmu-acpi", "modular-smmu-dt", "fw-devlink-supplier-missing", "virtio-iommu-reload", "pcie-switch-acs",
        })
            Assert.Contains($"scenarios/{s}.yaml", scenarios);
    }
}
