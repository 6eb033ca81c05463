using Checker.Model.Events;
using Checker.Model.State;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Semantics;

/// <summary>
/// really_probe() as each era has it (drivers/base/dd.c): in v5.3 every error, dma_configure's
/// -EPROBE_DEFER included, comes back as 0 "so that the next driver can try its luck"; in v6.15
/// dma_configure's -EPROBE_DEFER comes back negative and ends __device_attach_driver()'s loop,
/// while a probe's own error comes back positive and lets the next driver try, and
/// call_driver_probe() prints it as `probe with driver DRV failed with error N`.
/// </summary>
public class ReallyProbeEraTests
{
    /// <summary>A DT master behind an IOMMU nobody loads, matched by two built-in drivers.</summary>
    private static Machine TwoDrivers(KernelEra era)
    {
        var m = new MachineBuilder()
            .Platform("2b400000.iommu")
            .Iommu("smmu0", "2b400000.iommu", "arm-smmu")
            .Platform("2b500000.dma", iommu: "smmu0")
            .Driver("arm-smmu", BusKind.Platform, ["2b400000.iommu"], module: true)
            .Driver("pl330", BusKind.Platform, ["2b500000.dma"])
            .Driver("dw-dmac", BusKind.Platform, ["2b500000.dma"])
            .Build();
        return m with { Variants = m.Variants.WithEra(era) };
    }

    private static readonly string[] Boot = ["add 2b400000.iommu", "add 2b500000.dma", "register pl330", "register dw-dmac"];

    [Fact]
    public void In_6_15_a_dma_configure_deferral_ends_the_driver_loop()
    {
        var m = TwoDrivers(KernelEra.V6_15);
        var w = Steps.Run(m, [.. Boot, "late-initcall"]);
        // late_initcall's retry tries pl330 only: its dma_configure defers, and dw-dmac is not tried.
        var lines = w.Log.Select(l => l.Text).ToList();
        int late = lines.FindIndex(t => t.EndsWith("late-initcall", StringComparison.Ordinal));
        Assert.DoesNotContain(lines.Skip(late), t => t.Contains("dw-dmac", StringComparison.Ordinal));
        Assert.Contains("platform 2b500000.dma: Added to deferred list", lines.Skip(late));
        Assert.Equal(ProbeStatus.Deferred, w.Dev("2b500000.dma").Status);
    }

    [Fact]
    public void In_5_3_a_dma_configure_deferral_lets_the_next_driver_try()
    {
        var w = Steps.Run(TwoDrivers(KernelEra.V5_3), [.. Boot, "late-initcall"]);
        var lines = w.Log.Select(l => l.Text).ToList();
        int late = lines.FindIndex(t => t.EndsWith("late-initcall", StringComparison.Ordinal));
        Assert.Contains("platform 2b500000.dma: Driver dw-dmac requests probe deferral", lines.Skip(late));
        Assert.Equal(ProbeStatus.Bound, w.Dev("2b500000.dma").Status);
    }

    [Fact]
    public void In_6_15_a_probe_error_is_printed_by_call_driver_probe_with_the_driver_prefix()
    {
        var m = new MachineBuilder()
            .Platform("a0000000.ethernet")
            .Driver("macb", BusKind.Platform, ["a0000000.ethernet"], probe: new ProbeBehaviourSpec(FailErrno: Errno.ENOMEM))
            .Build();
        var v615 = Steps.Run(m with { Variants = m.Variants.WithEra(KernelEra.V6_15) }, "add a0000000.ethernet", "register macb");
        Assert.Contains("macb a0000000.ethernet: probe with driver macb failed with error -12", v615.Log.Select(l => l.Text));
        var v53 = Steps.Run(m, "add a0000000.ethernet", "register macb");
        Assert.Contains("macb: probe of a0000000.ethernet failed with error -12", v53.Log.Select(l => l.Text));
    }
}
