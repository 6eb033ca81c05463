using Checker.Model.State;
using Checker.Model.Tests.Support;
using static Checker.Model.Tests.Support.PciTopologies;

namespace Checker.Model.Tests.Topology;

/// <summary>
/// pci_device_group() (drivers/iommu/iommu.c, v5.3) driven through Kernel.Step: the SMMU registers
/// first, then each function's driver probes in the chosen order, and dma_configure groups it. Group
/// ids come from the ida (smallest free, from 0) in probe order, so each expected id below follows
/// from walking the search of docs/semantics.md, "Groups" by hand in that order.
/// </summary>
public class PciDeviceGroupTests
{
    /// <summary>Expected group per function, in the topology's device order, for each probe order.</summary>
    private sealed record Expected(int[] ParentFirst, int[] ChildFirst, bool ChildFirstSplitsAGroup);

    private static readonly Dictionary<string, Expected> Table = new()
    {
        // Parent first: the port gets 0, each function walks up to the non-ACS port and takes its group.
        // Child first (01:00.1, 01:00.0, port): each function's search stops at the still ungrouped port
        // and looks for aliases of the port, not of the function, so each gets a new group (the D05 bug).
        [NonAcsRootPortMultifunction.Name] = new([0, 0, 0], [2, 1, 0], true),
        // The ACS port ends every walk at once: two groups in either order.
        [AcsRootPortSingleFunction.Name] = new([0, 1], [1, 0], false),
        // The walk stops at the ACS port; the functions find each other through
        // get_pci_function_alias_group (multifunction, no ACS).
        [AcsRootPortMultifunctionWithoutAcs.Name] = new([0, 1, 1], [1, 0, 0], false),
        // ACS on every function: no function alias group, so three groups.
        [AcsRootPortMultifunctionWithAcs.Name] = new([0, 1, 2], [2, 1, 0], false),
        // Parent first: the bridge gets 1 and pci_for_each_dma_alias visits it from each legacy device.
        // Child first (02:01.0, 02:00.0, bridge, port): the walk visits the bridge, but it has no group
        // yet, and get_pci_alias_group(bridge) looks on the bridge's bus, not below it: "the search looks
        // up, never down: a device grouped before its non-isolating parent bridge gets a group of its own,
        // and the bridge, grouped later, gets another" (docs/semantics.md, "Groups").
        [PcieToPciBridge.Name] = new([0, 1, 1, 1], [3, 2, 1, 0], true),
        // get_pci_alias_group: 01:00.1 aliases 01:00.0 ("we alias them or they alias us").
        [DmaAliasQuirk.Name] = new([0, 1, 1], [1, 0, 0], false),
        // The quirk isolates the port like ACS: compare with the D05 shape above.
        [AcsQuirkRootPort.Name] = new([0, 1, 1], [1, 0, 0], false),
        // Parent first: port 0, upstream port 1 (single function: isolated), downstream ports 2 and 3,
        // 03:00.0 stops at its ACS downstream port (4), 04:00.0 walks up to its non-ACS one (3).
        // Child first: everyone alone; 04:00.0 and its downstream port are split.
        [Switch.Name] = new([0, 1, 2, 3, 4, 3], [5, 4, 3, 2, 1, 0], true),
    };

    public static IEnumerable<object[]> Cases() =>
        from t in All
        from order in new[] { "parent-first", "child-first" }
        from fw in new[] { Firmware.Acpi, Firmware.Dt }
        select new object[] { t.Name, order, fw };

    private static World Probe(PciTopology t, string order, Firmware fw) =>
        Steps.Run(t.Builder(fw).Build(), [.. t.BootEvents(order == "parent-first" ? t.ParentFirst : t.ChildFirst)]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_function_gets_the_group_the_search_finds_in_probe_order(string topology, string order, Firmware firmware)
    {
        var t = Named(topology);
        var w = Probe(t, order, firmware);
        var expected = order == "parent-first" ? Table[topology].ParentFirst : Table[topology].ChildFirst;
        Assert.Equal(expected, t.Functions.Select(f => w.GroupOf(f.Name)));
        Assert.All(t.Functions, f => Assert.True(w.Dev(f.Name).IsBound, $"{f.Name} is bound"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_function_is_added_to_its_group_with_its_driver_as_prefix(string topology, string order, Firmware firmware)
    {
        var t = Named(topology);
        var w = Probe(t, order, firmware);
        var probeOrder = (order == "parent-first" ? t.ParentFirst : t.ChildFirst).ToList();
        var expected = probeOrder.Select(i =>
            $"{PciTopology.DriverOf(i)} {t.Functions[i].Name}: Adding to iommu group {w.GroupOf(t.Functions[i].Name)}");
        Assert.Equal(expected, w.InfoLines().Where(l => l.Contains("iommu group")));
    }

    public static IEnumerable<object[]> Topologies() => All.Select(t => new object[] { t.Name });

    [Theory]
    [MemberData(nameof(Topologies))]
    public void Parent_first_probing_breaks_no_invariant(string topology)
    {
        var t = Named(topology);
        var result = Steps.Check(t.Builder().Build(), [.. t.BootEvents(t.ParentFirst)]);
        Assert.Empty(result.Broken());
    }

    [Theory]
    [MemberData(nameof(Topologies))]
    public void Child_first_probing_splits_exactly_the_groups_that_look_up_to_an_ungrouped_bridge(string topology)
    {
        var t = Named(topology);
        var result = Steps.Check(t.Builder().Build(), [.. t.BootEvents(t.ChildFirst)]);
        var broken = result.Violations.Select(v => v.Violation.Property).Distinct();
        Assert.Equal(Table[topology].ChildFirstSplitsAGroup ? ["NonAcsSiblingsShareGroup"] : [], broken);
    }

    [Fact]
    public void Root_port_probed_after_its_function_gets_a_separate_group()
    {
        var t = NonAcsRootPortMultifunction;
        var w = Steps.Run(t.Builder().Build(), [.. t.BootEvents([1, 0, 2])]);
        // 01:00.0 first: new group 0. Port next: on the root bus, nothing to walk, no alias: new group 1.
        // 01:00.1 last: walks up to the port, which now has group 1.
        Assert.Equal([1, 0, 1], t.Functions.Select(f => w.GroupOf(f.Name)));
    }

    [Fact]
    public void Legacy_devices_behind_a_PCIe_to_PCI_bridge_without_a_driver_never_share()
    {
        // No driver binds the bridge (pcieport binds only ports), so under probe-time groups it is
        // never grouped: each legacy device's search visits it, finds no group, stops at the ACS port
        // and finds no alias on the bridge's bus.
        var t = PcieToPciBridge;
        var m = t.Builder(withDrivers: false)
            .Driver("port", BusKind.Pci, ["0000:00:00.0"])
            .Driver("legacy", BusKind.Pci, ["0000:02:00.0", "0000:02:01.0"])
            .Build();
        var w = Steps.Run(m, $"add {PciTopology.Smmu}", "add 0000:00:00.0", "add 0000:01:00.0", "add 0000:02:00.0",
            "add 0000:02:01.0", $"register {PciTopology.SmmuDriver}", "register port", "register legacy", "late-initcall");
        Assert.Equal([0, -1, 1, 2], t.Functions.Select(f => w.GroupOf(f.Name)));
    }
}
