using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

/// <summary>
/// Issue 13's acceptance line through the real CLI: `check --kernel 6.15` on a DT machine whose
/// modular IOMMU loads 5 s after late_initcall passes (the masters wait and bind with IOMMU ops),
/// and loading it 15 s after makes them time out ("deferred probe timeout, ignoring dependency",
/// driver_deferred_probe_check_state() of v6.15 drivers/base/dd.c) and breaks NoDmaBypass.
/// </summary>
public class TimeoutScenarioCheckTests
{
    [Fact]
    public void Check_6_15_on_the_5_s_load_passes_every_ordering_and_its_script_binds_the_masters_with_iommu_ops()
    {
        var check = CliRun.Run("check", "scenarios/modular-smmu-dt-timeout-5s.yaml", "--kernel", "6.15", "--json", "-");
        Assert.Equal(0, check.Exit);
        Assert.Equal("passed", check.Json.GetProperty("verdict").GetString());
        Assert.Equal(10_000, check.Json.GetProperty("stats").GetProperty("tests").GetInt32());

        var boot = CliRun.Run("boot", "scenarios/modular-smmu-dt-timeout-5s.yaml", "--kernel", "6.15");
        Assert.Equal(0, boot.Exit);
        Assert.Contains("[    5.100001] checker: modprobe arm-smmu\n", boot.Out, StringComparison.Ordinal);
        Assert.Contains("platform 2b500000.dma: Adding to iommu group 0\n", boot.Out, StringComparison.Ordinal);
        Assert.Contains("platform 2b600000.gpu: Adding to iommu group 1\n", boot.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("deferred probe timeout, ignoring dependency", boot.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_6_15_on_the_15_s_load_breaks_NoDmaBypass_after_the_timeout_at_its_time()
    {
        var check = CliRun.Run("check", "scenarios/modular-smmu-dt-timeout-15s.yaml", "--kernel", "6.15", "--json", "-");
        Assert.Equal(1, check.Exit);
        var found = CliRun.FirstCounterexample(check.Json);
        Assert.Equal("NoDmaBypass", found.GetProperty("property").GetString());
        var events = found.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.True(events.IndexOf("deferred-probe-timeout") >= 0 && events.IndexOf("deferred-probe-timeout") < events.IndexOf("modprobe arm-smmu"));
        var log = found.GetProperty("bootLog").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(log, l => l.EndsWith(": deferred probe timeout, ignoring dependency", StringComparison.Ordinal));
        Assert.Contains("[   15.100001] checker: modprobe arm-smmu", log);
    }

    [Fact]
    public void Check_5_3_on_the_5_s_load_still_breaks_NoDmaBypass_the_masters_having_given_up_at_late_initcall()
    {
        var check = CliRun.Run("check", "scenarios/modular-smmu-dt-timeout-5s.yaml", "--property", "NoDmaBypass", "--json", "-");
        Assert.Equal(1, check.Exit);
        var log = CliRun.FirstCounterexample(check.Json).GetProperty("bootLog").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(log, l => l.EndsWith(": ignoring dependency for device, assuming no driver", StringComparison.Ordinal));
        Assert.Contains("[    5.100001] checker: modprobe arm-smmu", log);
    }
}
