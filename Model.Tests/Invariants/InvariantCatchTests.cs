using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Invariants;

/// <summary>
/// The invariants no variant of the model breaks any more, shown catching a bad step made by
/// hand (a property that never sees a failing case is not evidence), and every invariant
/// reporting every device of the step, not only the first.
/// </summary>
public class InvariantCatchTests
{
    /// <summary>The invariants shown here catching a hand-made bad step.</summary>
    public static readonly string[] Caught = [nameof(GroupInvariants.GroupedByOwnIommu), nameof(DmaOpsInvariants.DmaConfigureBalanced)];

    private static World Booted(string scenario)
    {
        var m = ScenarioFiles.Load(scenario);
        var w = Kernel.Boot(m);
        foreach (var e in Kernel.BootEvents(m))
            w = Kernel.Step(w, e);
        return w;
    }

    [Fact]
    public void GroupedByOwnIommu_catches_a_device_grouped_by_another_instance()
    {
        var w = Booted("fw-devlink-supplier-missing");
        int dead = w.Machine.DeviceIndex("fd900000.ethernet"), live = w.Machine.IommuIndex("smmu-live");
        var bad = w with { Trace = [new GroupAddTrace(dead, 7, live)] };
        var v = GroupInvariants.GroupedByOwnIommu.Check(new(w, null, bad));
        Assert.NotNull(v);
        Assert.Equal(["fd900000.ethernet"], v!.Devices.ToArray());
        Assert.Contains("by smmu-live, but its firmware names smmu-dead", v.Message, StringComparison.Ordinal);
        Assert.Null(GroupInvariants.GroupedByOwnIommu.Check(new(w, null, w)));
    }

    [Fact]
    public void DmaConfigureBalanced_catches_two_configures_and_reports_every_device()
    {
        var w = Booted("modular-smmu-dt");
        int dma = w.Machine.DeviceIndex("2b500000.dma"), gpu = w.Machine.DeviceIndex("2b600000.gpu");
        var bad = w.WithDevice(dma, w.Device(dma) with { LiveConfigures = 2 }).WithDevice(gpu, w.Device(gpu) with { LiveConfigures = 2 });
        var v = DmaOpsInvariants.DmaConfigureBalanced.Check(new(w, null, bad));
        Assert.NotNull(v);
        Assert.Equal(2, v!.Findings.Length);
        Assert.Equal(["2b500000.dma", "2b600000.gpu"], v.Devices.ToArray());
        Assert.StartsWith("2 violations: (1) 2b500000.dma has 2 successful dma_configure calls", v.Message, StringComparison.Ordinal);
        Assert.Null(DmaOpsInvariants.DmaConfigureBalanced.Check(new(w, null, w)));
    }

    [Fact]
    public void A_split_reports_every_pair_of_groups_in_the_component()
    {
        // pcie-switch-acs under probe-time: the mlx5 functions split from each other and from
        // their port, and the two conventional devices behind the driverless PCIe-to-PCI bridge.
        var w = Booted("pcie-switch-acs");
        var v = GroupInvariants.NonAcsSiblingsShareGroup.Check(new(w, null, w));
        Assert.NotNull(v);
        Assert.Contains(v!.Findings, f => f.Devices.SequenceEqual(["0000:06:00.0", "0000:06:01.0"]));
        Assert.Contains(v.Findings, f => f.Devices.SequenceEqual(["0000:04:00.0", "0000:04:00.1"]));
        Assert.Equal(4, v.Findings.Length);
    }
}
