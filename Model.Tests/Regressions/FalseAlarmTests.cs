using Checker.Model.Scenario;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;
using Checker.Properties.Matrix;

namespace Checker.Model.Tests.Regressions;

/// <summary>
/// The false alarms of issue 13 and the corrected rules, one scenario each under
/// Model.Tests/Regressions/Scenarios (each header says why, from the kernel): an artifact that
/// used to raise a verdict must pass, a corrected rule must still fail where the kernel breaks.
/// `script` runs the scenario's own script; `check` explores 300 orderings of it (seed 1).
/// </summary>
public class FalseAlarmTests
{
    public static TheoryData<string, string, string, bool> Cases => new()
    {
        // (scenario, invariant, how, broken)
        { "unbind-before-late-initcall", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "check-without-script-faults", false },
        { "unbind-before-late-initcall", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "script", true },
        { "failed-by-another-driver-stays-pending", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "script", false },
        { "failed-by-another-driver-stays-pending", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "check", false },
        { "bus-replay-refuses-foreign-fwspec", nameof(GroupInvariants.GroupedByOwnIommu), "check", false },
        { "per-instance-on-5.3", nameof(DmaOpsInvariants.DmaConfigureBalanced), "check", false },
        { "per-instance-on-5.3", nameof(DmaOpsInvariants.NoDmaBypass), "script", true },
        { "arm64-null-ops-are-direct", nameof(DmaOpsInvariants.TeardownRestoresDmaOps), "check", false },
        { "waits-for-a-module-not-loaded", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "script", false },
        { "waits-for-a-failed-iommu", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "script", true },
        { "mask-reaches-none-of-the-range", nameof(DmaOpsInvariants.CoherentMaskCoversRange), "script", true },
        { "split-behind-driverless-bridge", nameof(GroupInvariants.NonAcsSiblingsShareGroup), "script", true },
        { "timed-load-before-the-timeout", nameof(DmaOpsInvariants.NoDmaBypass), "check", false },
        { "timed-load-after-the-timeout", nameof(DmaOpsInvariants.NoDmaBypass), "script", true },
        { "failed-attach-frees-the-fwspec", nameof(DmaOpsInvariants.DmaConfigureBalanced), "script", false },
        { "root-port-fails-parent-link", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "script", true },
        { "root-port-fails-probe-time", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "script", false },
        { "root-port-fails-probe-time", nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "check", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_regression_scenario_passes_or_fails_as_the_kernel_does(string scenario, string invariant, string how, bool broken)
    {
        var m = Load(scenario);
        var inv = Catalogue.All.Single(i => i.Name == invariant);
        bool found = how switch
        {
            "script" => !Runner.RunScript(m, [inv]).Violations.IsEmpty,
            "check" => Explorer.Check(m, new CheckOptions([inv], 1, 300, null, VariantMatrix.Generation)).Found is not null,
            // The orderings without the script's own fault injection (the script is ordering 0).
            _ => Explorer.Check(m with { Script = [] }, new CheckOptions([inv], 1, 300, null, VariantMatrix.Generation)).Found is not null,
        };
        Assert.Equal(broken, found);
    }

    [Fact]
    public void A_step_with_two_splits_reports_both_under_one_violation()
    {
        var run = Runner.RunScript(Load("split-behind-driverless-bridge"), [GroupInvariants.NonAcsSiblingsShareGroup]);
        var last = run.Violations[^1].Violation;
        Assert.Equal(4, last.Findings.Length);
        Assert.Contains(last.Findings, f => f.Devices.SequenceEqual(["0000:03:00.0", "0000:03:01.0"]));
    }

    [Fact]
    public void Every_regression_scenario_has_a_case_and_the_schema_comment_first()
    {
        var files = Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Cases.Select(c => (string)c[0]).Distinct().Order(StringComparer.Ordinal));
        foreach (var f in Directory.GetFiles(Folder, "*.yaml"))
            Assert.StartsWith("# yaml-language-server: $schema=", File.ReadLines(f).First(), StringComparison.Ordinal);
    }

    private static string Folder => Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Regressions", "Scenarios");

    private static Machine Load(string name)
    {
        var path = Path.Combine(Folder, name + ".yaml");
        return ScenarioLoader.Load($"Model.Tests/Regressions/Scenarios/{name}.yaml", File.ReadAllText(path));
    }
}
