using static Checker.Model.Tests.Scenario.ScenarioText;

namespace Checker.Model.Tests.Scenario;

/// <summary>Errors found once every list is read: names, the PCI tree, cycles and the script.</summary>
public class ReferenceErrorTests
{
    [Fact]
    public void Duplicate_device_name_is_reported_at_the_second_definition()
    {
        var e = Fails(With(9, "  - { name: smmu-dev, bus: platform, firmware: dt }"), 9, "devices[1].name");
        Assert.Contains("first defined at line 8", e.Message);
    }

    [Fact]
    public void Duplicate_driver_name_is_reported()
    {
        Fails(With(15, "  - { name: arm-smmu, bus: platform, matches: [dma-dev] }"), 15, "drivers[1].name");
    }

    [Fact]
    public void Duplicate_iommu_name_is_reported()
    {
        Fails(Inserting(5, "  - { name: smmu0, device: dma-dev, driver: pl330 }"), 5, "iommus[1].name");
    }

    [Fact]
    public void Duplicate_host_bridge_domain_and_root_bus_is_reported()
    {
        var e = Fails(Inserting(7, "  - { domain: \"0000\", root-bus: \"00\", firmware: acpi }"), 7, "host-bridges[1].domain");
        Assert.Contains("root bus 00", e.Message);
    }

    [Fact]
    public void A_domain_may_have_several_root_buses_each_its_own_host_bridge()
    {
        var m = Checker.Model.Scenario.ScenarioLoader.Load(FileName, Inserting(7, "  - { domain: \"0000\", root-bus: \"40\", firmware: acpi }"));
        Assert.Equal([0x00, 0x40], m.HostBridges.Select(h => h.RootBus));
    }

    [Fact]
    public void Pci_device_whose_domain_has_no_host_bridge_is_reported()
    {
        var e = Fails(With(10, "  - { name: \"0001:00:00.0\", bus: pci, type: root-port }"), 10, "devices[2].name");
        Assert.Contains("no host bridge for PCI domain 0001", e.Message);
    }

    [Fact]
    public void Parent_that_does_not_exist_is_reported()
    {
        Fails(With(11, "  - { name: \"0000:01:00.0\", bus: pci, parent: \"0000:00:01.0\", multifunction: true }"), 11, "devices[3].parent");
    }

    [Fact]
    public void Parent_that_comes_after_its_child_is_reported()
    {
        string[] lines = [.. Valid[..9], Valid[10], Valid[9], .. Valid[11..]];
        var e = Fails(Join(lines), 10, "devices[2].parent");
        Assert.Contains("comes after this device", e.Message);
    }

    [Fact]
    public void Parent_that_is_not_a_bridge_is_reported()
    {
        var e = Fails(With(10, "  - { name: \"0000:00:00.0\", bus: pci }"), 11, "devices[3].parent");
        Assert.Contains("is not a bridge: its type is endpoint", e.Message);
    }

    [Fact]
    public void Parent_links_forming_a_cycle_are_reported()
    {
        var e = Fails(With(10, "  - { name: \"0000:00:00.0\", bus: pci, type: root-port, parent: \"0000:01:00.0\" }"), 10, "devices[2].parent");
        Assert.Contains("cycle through 0000:00:00.0, 0000:01:00.0", e.Message);
    }

    [Fact]
    public void A_device_that_is_its_own_parent_is_a_cycle()
    {
        Fails(With(10, "  - { name: \"0000:00:00.0\", bus: pci, type: root-port, parent: \"0000:00:00.0\" }"), 10, "devices[2].parent");
    }

    [Fact]
    public void Device_without_parent_off_the_root_bus_is_reported()
    {
        Fails(Inserting(13, "  - { name: \"0000:05:00.0\", bus: pci }"), 13, "devices[5].name");
    }

    [Fact]
    public void Vf_whose_physfn_does_not_exist_is_reported()
    {
        Fails(With(12, "  - { name: \"0000:01:00.1\", bus: pci, parent: \"0000:00:00.0\", physfn: \"0000:01:00.7\", present: false }"),
            12, "devices[4].physfn");
    }

    [Fact]
    public void Vf_with_an_empty_physfn_is_reported()
    {
        var e = Fails(With(12, "  - { name: \"0000:01:00.1\", bus: pci, parent: \"0000:00:00.0\", physfn: , present: false }"),
            12, "devices[4].physfn");
        Assert.Contains("got no value", e.Message);
    }

    [Fact]
    public void Vf_present_at_boot_is_reported()
    {
        var e = Fails(With(12, "  - { name: \"0000:01:00.1\", bus: pci, parent: \"0000:00:00.0\", physfn: \"0000:01:00.0\" }"),
            12, "devices[4].present");
        Assert.Contains("present: false", e.Message);
    }

    [Fact]
    public void Dma_alias_on_another_bus_is_reported()
    {
        Fails(With(11, "  - { name: \"0000:01:00.0\", bus: pci, parent: \"0000:00:00.0\", dma-alias-of: [\"0000:00:00.0\"] }"),
            11, "devices[3].dma-alias-of[0]");
    }

    [Fact]
    public void Driver_matching_a_device_that_does_not_exist_is_reported()
    {
        var e = Fails(With(15, "  - { name: pl330, bus: platform, matches: [dma-dev, dma-dev2] }"), 15, "drivers[1].matches[1]");
        Assert.Contains("unknown device 'dma-dev2'", e.Message);
    }

    [Fact]
    public void Driver_matching_a_device_on_another_bus_is_reported()
    {
        Fails(With(15, "  - { name: pl330, bus: amba, matches: [dma-dev] }"), 15, "drivers[1].matches[0]");
    }

    [Fact]
    public void Defer_until_bound_cycle_is_reported()
    {
        string text = Join([
            .. Valid[..14],
            "  - { name: pl330, bus: platform, matches: [dma-dev], probe: { defer-until-bound: smmu-dev } }",
            .. Valid[15..]]);
        text = text.Replace("  - { name: arm-smmu, bus: platform, matches: [smmu-dev] }",
            "  - { name: arm-smmu, bus: platform, matches: [smmu-dev], probe: { defer-until-bound: dma-dev } }");
        var e = Fails(text, 14, "drivers[0].probe.defer-until-bound");
        Assert.Contains("cycle through smmu-dev, dma-dev", e.Message);
    }

    [Fact]
    public void Iommu_whose_device_does_not_exist_is_reported()
    {
        Fails(With(4, "  - { name: smmu0, device: smmu-devv, driver: arm-smmu }"), 4, "iommus[0].device");
    }

    [Fact]
    public void Iommu_whose_driver_does_not_exist_is_reported()
    {
        Fails(With(4, "  - { name: smmu0, device: smmu-dev, driver: arm-smmuu }"), 4, "iommus[0].driver");
    }

    [Fact]
    public void Device_behind_an_unknown_iommu_is_reported()
    {
        Fails(With(9, "  - { name: dma-dev, bus: platform, firmware: dt, iommu: smmu1 }"), 9, "devices[1].iommu");
    }

    [Fact]
    public void Script_string_entry_is_rejected_with_a_hint_for_the_mapping_form()
    {
        var e = Fails(With(20, "  - \"10 modprobe nic\""), 20, "script[1]");
        Assert.Contains("is a mapping, not a string", e.Message);
    }

    [Fact]
    public void Script_naming_an_unknown_device_is_reported()
    {
        Fails(With(20, "  - { do: unbind, dev: nic0 }"), 20, "script[1].dev");
    }

    [Fact]
    public void Script_naming_an_unknown_driver_is_reported()
    {
        Fails(With(20, "  - { do: modprobe, driver: nic0 }"), 20, "script[1].driver");
    }

    [Fact]
    public void Script_naming_an_unknown_iommu_is_reported()
    {
        Fails(With(20, "  - { do: fail-domain-alloc, iommu: smmu9 }"), 20, "script[1].iommu");
    }

    [Fact]
    public void Script_action_with_an_argument_it_does_not_take_is_reported()
    {
        var e = Fails(With(20, "  - { do: modprobe, driver: nic, dev: dma-dev }"), 20, "script[1].dev");
        Assert.Contains("modprobe does not take 'dev'", e.Message);
    }

    [Fact]
    public void Script_action_missing_an_argument_is_reported()
    {
        Fails(With(20, "  - { do: sriov-enable, pf: \"0000:01:00.0\" }"), 20, "script[1].count");
    }

    [Fact]
    public void Script_at_earlier_than_a_previous_at_is_reported()
    {
        var e = Fails(Join([.. Valid, "  - { at: 9.5, do: wait }"]), 21, "script[2].at");
        Assert.Contains("earlier than", e.Message);
    }

    [Fact]
    public void Modprobe_of_a_builtin_driver_is_reported()
    {
        Fails(With(20, "  - { do: modprobe, driver: pl330 }"), 20, "script[1].driver");
    }

    [Fact]
    public void Sriov_enable_with_more_vfs_than_declared_is_reported()
    {
        var e = Fails(With(20, "  - { do: sriov-enable, pf: \"0000:01:00.0\", count: 2 }"), 20, "script[1].count");
        Assert.Contains("1 VF(s) declared", e.Message);
    }

    [Fact]
    public void Sriov_enable_on_a_device_that_is_not_a_pf_is_reported()
    {
        Fails(With(20, "  - { do: sriov-enable, pf: \"0000:00:00.0\", count: 1 }"), 20, "script[1].pf");
    }
}
