using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Semantics;

/// <summary>
/// The 6.15 era's own rules (driver_deferred_probe_check_state() and
/// deferred_probe_timeout_work_func() of v6.15 drivers/base/dd.c, of_iommu_configure()'s fwspec
/// lifetime, bus_iommu_probe()): a modular DT IOMMU loaded before the deferred-probe timeout
/// serves its masters, one loaded after it finds them bound on direct ops.
/// </summary>
public class KernelEraTests
{
    [Fact]
    public void Under_6_15_masters_wait_for_an_IOMMU_module_loaded_5_s_after_late_initcall_and_bind_with_its_ops()
    {
        var boot = CliRun.Run("boot", "scenarios/modular-smmu-dt-timeout-5s.yaml", "--kernel", "6.15", "--json");
        Assert.Equal(0, boot.Exit);
        foreach (var d in boot.Json.GetProperty("devices").EnumerateArray().Where(d => d.GetProperty("name").GetString() != "2b400000.iommu"))
            Assert.StartsWith("iommu ops", d.GetProperty("dmaOps").GetString(), StringComparison.Ordinal);
        Assert.Empty(boot.Json.GetProperty("violations").EnumerateArray());
        // The script's own ordering (ordering 0 of check) breaks nothing either.
        Assert.Equal(0, CliRun.Run("check", "scenarios/modular-smmu-dt-timeout-5s.yaml", "--kernel", "6.15", "--max-tests", "1").Exit);
    }

    [Fact]
    public void Under_6_15_masters_time_out_before_an_IOMMU_module_loaded_15_s_after_late_initcall()
    {
        var boot = CliRun.Run("boot", "scenarios/modular-smmu-dt-timeout-15s.yaml", "--kernel", "6.15");
        Assert.Equal(1, boot.Exit);
        Assert.Contains("[   10.006010] pl330 2b500000.dma: deferred probe timeout, ignoring dependency\n", boot.Out, StringComparison.Ordinal);
        Assert.Contains("checker: violation NoDmaBypass at event 8 (modprobe arm-smmu): 2 violations\n", boot.Out, StringComparison.Ordinal);
        var check = CliRun.Run("check", "scenarios/modular-smmu-dt-timeout-15s.yaml", "--kernel", "6.15", "--property", "NoDmaBypass", "--max-tests", "1");
        Assert.Equal(1, check.Exit);
    }

    [Fact]
    public void Under_5_3_the_same_masters_give_up_at_late_initcall_whatever_the_load_time()
    {
        var m = ScenarioFiles.Load("modular-smmu-dt-timeout-5s");
        var run = Runner.RunScript(m, Catalogue.All);
        Assert.Contains(run.Final.Log, l => l.Text.EndsWith("2b500000.dma: ignoring dependency for device, assuming no driver", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Final.Log, l => l.Text.Contains("deferred probe timeout", StringComparison.Ordinal));
        Assert.Equal([nameof(DmaOpsInvariants.NoDmaBypass)], run.Violations.Select(v => v.Violation.Property));
    }

    [Fact]
    public void The_timeout_event_exists_only_in_6_15_and_once_initcalls_are_done()
    {
        var m = ScenarioFiles.Load("modular-smmu-dt-timeout-15s");
        var w = Steps.Run(m, "add 2b400000.iommu", "add 2b500000.dma", "add 2b600000.gpu", "register pl330", "register panfrost");
        Assert.False(Checker.Model.Semantics.Kernel.IsEnabled(w, new Checker.Model.Events.DeferredProbeTimeout()));
        var v615 = Steps.Run(m with { Variants = m.Variants.WithEra(KernelEra.V6_15) },
            "add 2b400000.iommu", "add 2b500000.dma", "add 2b600000.gpu", "register pl330", "register panfrost");
        Assert.False(Checker.Model.Semantics.Kernel.IsEnabled(v615, new Checker.Model.Events.DeferredProbeTimeout()));
        v615 = Steps.Continue(v615, "late-initcall");
        Assert.Equal(ProbeStatus.Deferred, v615.Dev("2b500000.dma").Status);
        // v6.15 of_iommu_configure(): the fwspec of a failed lookup is freed.
        Assert.False(v615.Dev("2b500000.dma").HasFwspec);
        v615 = Steps.Continue(v615, "deferred-probe-timeout");
        Assert.Equal(ProbeStatus.Bound, v615.Dev("2b500000.dma").Status);
        Assert.Equal(DmaOps.Null, v615.Dev("2b500000.dma").Ops);
    }

    [Fact]
    public void Per_instance_on_5_3_takes_the_6_15_fwspec_lifetime_and_reports_the_bypass_not_a_double_configure()
    {
        var m = ScenarioFiles.Load("modular-smmu-dt");
        m = m with { Variants = m.Variants with { Groups = GroupsVariant.PerInstance } };
        var run = Runner.RunScript(m, Catalogue.All);
        Assert.Equal([nameof(DmaOpsInvariants.NoDmaBypass)], run.Violations.Select(v => v.Violation.Property));
        Assert.All(run.Final.Devices, d => Assert.True(d.LiveConfigures <= 1));
    }
}
