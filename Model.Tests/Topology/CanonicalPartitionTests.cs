using Checker.Model.State;
using Checker.Model.Topology;
using Checker.Model.Tests.Support;
using static Checker.Model.Tests.Support.PciTopologies;

namespace Checker.Model.Tests.Topology;

/// <summary>
/// The canonical partition (docs/semantics.md, "Groups"): "the groups Linux would form if every device were
/// grouped parents first", on the hand-built trees of the group tests and on mixed machines.
/// </summary>
public class CanonicalPartitionTests
{
    /// <summary>Expected components, as device names, each in device order, components by first member.</summary>
    private static readonly Dictionary<string, string[][]> Table = new()
    {
        [NonAcsRootPortMultifunction.Name] = [["0000:00:00.0", "0000:01:00.0", "0000:01:00.1"]],
        [AcsRootPortSingleFunction.Name] = [["0000:00:00.0"], ["0000:01:00.0"]],
        [AcsRootPortMultifunctionWithoutAcs.Name] = [["0000:00:00.0"], ["0000:01:00.0", "0000:01:00.1"]],
        [AcsRootPortMultifunctionWithAcs.Name] = [["0000:00:00.0"], ["0000:01:00.0"], ["0000:01:00.1"]],
        [PcieToPciBridge.Name] = [["0000:00:00.0"], ["0000:01:00.0", "0000:02:00.0", "0000:02:01.0"]],
        [DmaAliasQuirk.Name] = [["0000:00:00.0"], ["0000:01:00.0", "0000:01:00.1"]],
        [AcsQuirkRootPort.Name] = [["0000:00:00.0"], ["0000:01:00.0", "0000:01:00.1"]],
        [Switch.Name] =
        [
            ["0000:00:00.0"], ["0000:01:00.0"], ["0000:02:00.0"], ["0000:02:01.0", "0000:04:00.0"], ["0000:03:00.0"],
        ],
    };

    public static IEnumerable<object[]> Topologies() => All.Select(t => new object[] { t.Name });

    private static string[][] ComponentNames(Machine m) =>
        [.. CanonicalPartition.For(m).Components().Select(c => c.Select(d => m.Devices[d].Name).ToArray())];

    [Theory]
    [MemberData(nameof(Topologies))]
    public void Components_are_the_devices_that_must_share_a_group(string topology)
    {
        var m = Named(topology).Builder().Build();
        Assert.Equal(Table[topology], ComponentNames(m));
    }

    [Theory]
    [MemberData(nameof(Topologies))]
    public void MustShare_holds_exactly_within_a_component(string topology)
    {
        var m = Named(topology).Builder().Build();
        var p = CanonicalPartition.For(m);
        var componentOf = Table[topology].SelectMany((c, i) => c.Select(name => (name, i))).ToDictionary(x => x.name, x => x.i);
        foreach (var a in componentOf.Keys)
            foreach (var b in componentOf.Keys)
                Assert.True(componentOf[a] == componentOf[b] == p.MustShare(m.DeviceIndex(a), m.DeviceIndex(b)), $"{a} / {b}");
    }

    [Theory]
    [MemberData(nameof(Topologies))]
    public void Parent_first_probing_forms_exactly_the_canonical_groups(string topology)
    {
        var t = Named(topology);
        var m = t.Builder().Build();
        var w = Steps.Run(m, [.. t.BootEvents(t.ParentFirst)]);
        var groups = t.Functions.GroupBy(f => w.GroupOf(f.Name)).Select(g => g.Select(f => f.Name).ToArray());
        Assert.Equal(ComponentNames(m).OrderBy(c => c[0]), groups.OrderBy(c => c[0]));
    }

    [Fact]
    public void Devices_no_IOMMU_translates_have_component_minus_one()
    {
        var m = new MachineBuilder()
            .Iommu("smmu0", "arm-smmu-v3.0.auto", "arm-smmu-v3")
            .Platform("arm-smmu-v3.0.auto", Firmware.Acpi)
            .Platform("PNP0D10:00", Firmware.Acpi)
            .HostBridge("0000", "00", Firmware.Acpi, null)
            .Pci("0000:00:00.0", PcieType.RootPort)
            .Pci("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0")
            .Driver("arm-smmu-v3", BusKind.Platform, ["arm-smmu-v3.0.auto"])
            .Build();
        var p = CanonicalPartition.For(m);
        Assert.All(p.ComponentOf, c => Assert.Equal(-1, c));
        Assert.Empty(p.Components());
        // Not even with itself: an untranslated device must share with nobody.
        Assert.False(p.MustShare(m.DeviceIndex("0000:01:00.0"), m.DeviceIndex("0000:01:00.0")));
        Assert.False(p.MustShare(m.DeviceIndex("0000:00:00.0"), m.DeviceIndex("0000:01:00.0")));
    }

    [Fact]
    public void Platform_devices_are_each_alone_and_domains_never_mix()
    {
        // generic_device_group: a new group per platform/AMBA device, even behind one SMMU. Two
        // host bridges behind two SMMUs: PCI devices of different domains never share.
        var m = new MachineBuilder()
            .Iommu("smmu-pci0", "arm-smmu-v3.0.auto", "arm-smmu-v3")
            .Iommu("smmu-pci1", "arm-smmu-v3.1.auto", "arm-smmu-v3")
            .Iommu("smmu-platform", "arm-smmu-v3.2.auto", "arm-smmu-v3")
            .Platform("arm-smmu-v3.0.auto", Firmware.Acpi)
            .Platform("arm-smmu-v3.1.auto", Firmware.Acpi)
            .Platform("arm-smmu-v3.2.auto", Firmware.Acpi)
            .Platform("HISI0162:01", Firmware.Acpi, "smmu-platform", coherent: true)
            .Platform("HISI00B2:00", Firmware.Acpi, "smmu-platform", coherent: true)
            .Platform("f0000000.dma", Firmware.Dt, "smmu-platform", bus: BusKind.Amba)
            .Platform("PNP0D20:00", Firmware.Acpi)
            .HostBridge("0000", "00", Firmware.Acpi, "smmu-pci0")
            .HostBridge("0001", "00", Firmware.Acpi, "smmu-pci1")
            .HostBridge("0002", "00", Firmware.Acpi, null)
            .Pci("0000:00:00.0", PcieType.RootPort)
            .Pci("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0")
            .Pci("0001:00:00.0", PcieType.RootPort)
            .Pci("0001:01:00.0", PcieType.Endpoint, "0001:00:00.0")
            .Pci("0002:00:00.0", PcieType.RootPort)
            .Driver("arm-smmu-v3", BusKind.Platform, ["arm-smmu-v3.0.auto", "arm-smmu-v3.1.auto", "arm-smmu-v3.2.auto"])
            .Build();
        Assert.Equal(
        [
            ["HISI0162:01"], ["HISI00B2:00"], ["f0000000.dma"],
            ["0000:00:00.0", "0000:01:00.0"], ["0001:00:00.0", "0001:01:00.0"],
        ], ComponentNames(m));
        var p = CanonicalPartition.For(m);
        foreach (var none in new[] { "arm-smmu-v3.0.auto", "arm-smmu-v3.1.auto", "arm-smmu-v3.2.auto", "PNP0D20:00", "0002:00:00.0" })
            Assert.Equal(-1, p.ComponentOf[m.DeviceIndex(none)]);
    }

    [Fact]
    public void A_machine_gets_one_partition_object()
    {
        var m = Switch.Builder().Build();
        Assert.Same(CanonicalPartition.For(m), CanonicalPartition.For(m));
    }
}
