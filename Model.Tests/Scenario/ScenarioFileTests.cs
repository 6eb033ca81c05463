using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Tests.Scenario;

/// <summary>The scenario files in scenarios/ load, and say what their headers say.</summary>
public class ScenarioFileTests
{
    public static TheoryData<string> Files => [.. ScenarioFiles.All()];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_scenario_file_loads(string name)
    {
        var m = ScenarioFiles.Load(name);
        Assert.Equal(Path.GetFileNameWithoutExtension(name), m.Name);
        Assert.NotEmpty(m.Devices);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_scenario_file_is_listed_in_the_readme(string name)
    {
        var readme = File.ReadAllText(Path.Combine(ScenarioFiles.Directory, "README.md"));
        Assert.Contains($"[{name}]({name})", readme);
    }

    [Fact]
    public void The_three_first_scenarios_exist()
    {
        Assert.Subset(ScenarioFiles.All().ToHashSet(),
            new HashSet<string> { "hisilicon-d05-builtin.yaml", "hisilicon-d05-mlx5-module.yaml", "probe-deferral-basic.yaml" });
    }

    [Fact]
    public void D05_has_the_devices_drivers_iommus_and_host_bridges_of_the_thread()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-builtin");
        // 7 SMMUs + SAS, DSAF, EHCI + 17 PCI functions of the lspci tree (2 of them VFs).
        Assert.Equal(27, m.Devices.Length);
        Assert.Equal(17, m.Devices.Count(d => d.Bus == BusKind.Pci));
        Assert.Equal(7, m.Drivers.Length);
        Assert.Equal(7, m.Iommus.Length);
        Assert.Equal([0x0000, 0x0002, 0x0004, 0x0005, 0x0006, 0x0007, 0x000a, 0x000c, 0x000d], m.HostBridges.Select(b => b.Domain));
        Assert.Equal(Arch.Arm64, m.Arch);
        Assert.Equal(Variants.Default, m.Variants);
        Assert.All(m.Devices, d => Assert.Equal(Firmware.Acpi, d.Firmware));
    }

    [Fact]
    public void D05_smmu_devices_come_first_then_the_platform_masters_then_pci()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-builtin");
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"arm-smmu-v3.{i}.auto"), m.Devices.Take(7).Select(d => d.Name));
        Assert.Equal(["HISI0162:01", "HISI00B2:00", "PNP0D20:00"], m.Devices.Skip(7).Take(3).Select(d => d.Name));
        Assert.Equal("0002:f8:00.0", m.Devices[10].Name);
        Assert.Equal("000d:30:00.0", m.Devices[^1].Name);
    }

    [Fact]
    public void D05_pci_devices_inherit_firmware_and_iommu_from_their_host_bridge()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-builtin");
        Assert.Equal(m.IommuIndex("smmu-000a"), m.Devices[m.DeviceIndex("000a:11:00.1")].Iommu);
        Assert.Null(m.Devices[m.DeviceIndex("0007:91:00.0")].Iommu);
        Assert.Equal(m.IommuIndex("smmu-platform"), m.Devices[m.DeviceIndex("PNP0D20:00")].Iommu);
        Assert.True(m.Devices[m.DeviceIndex("HISI0162:01")].Coherent);
        var smmu = m.Iommus[m.IommuIndex("smmu-000a")];
        Assert.Equal((m.DeviceIndex("arm-smmu-v3.3.auto"), m.DriverIndex("arm-smmu-v3")), (smmu.Device, smmu.Driver));
    }

    [Fact]
    public void D05_pci_parent_links_follow_the_lspci_tree()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-builtin");
        var port = m.DeviceIndex("000a:10:00.0");
        var pf = m.Devices[m.DeviceIndex("000a:11:00.0")].Pci!;
        Assert.Equal(port, pf.ParentBridge);
        Assert.Equal((0x000a, 0x11, 0, 0, true), (pf.Domain, pf.BusNumber, pf.Slot, pf.Function, pf.Multifunction));
        Assert.Equal(PcieType.Endpoint, pf.Type);
        var rootPort = m.Devices[port].Pci!;
        Assert.Equal((PcieType.RootPort, (int?)null, AcsFlags.None), (rootPort.Type, rootPort.ParentBridge, rootPort.Acs));
        Assert.Equal(m.DeviceIndex("0002:f8:00.0"), m.Devices[m.DeviceIndex("0002:f9:00.2")].Pci!.ParentBridge);
        Assert.Equal(2, m.Devices[m.DeviceIndex("0002:f9:00.2")].Pci!.Devfn);
        Assert.Equal(["000a:11:00.0", "000a:11:00.1", "000a:11:00.2", "000a:11:00.3"],
            m.Index.Children[port].Select(c => m.Devices[c].Name));
    }

    [Fact]
    public void D05_vfs_name_their_pf_and_are_absent_at_boot()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-builtin");
        int pf = m.DeviceIndex("000a:11:00.0");
        foreach (var vf in new[] { "000a:11:00.2", "000a:11:00.3" })
        {
            var d = m.Devices[m.DeviceIndex(vf)];
            Assert.Equal(pf, d.Pci!.PhysFn);
            Assert.False(d.PresentAtBoot);
        }
        Assert.Equal(2, m.Index.VirtualFunctions[pf].Length);
        Assert.Equal(25, m.Devices.Count(d => d.PresentAtBoot));
    }

    [Fact]
    public void D05_builtin_drivers_register_in_the_link_order_of_the_thread()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-builtin");
        Assert.Equal(["pcieport", "serial", "arm-smmu-v3", "hisi_sas_v2_hw", "hns_dsaf", "mlx5_core", "ehci-platform"],
            m.Index.BuiltinOrder.Select(i => m.Drivers[i].Name));
        Assert.All(m.Drivers, d => Assert.Equal(InitcallLevel.Device, d.Arrival.Level));
        Assert.Equal(8, m.Drivers[m.DriverIndex("pcieport")].Matches.Length);
        Assert.Empty(m.Index.DriversMatching[m.DeviceIndex("0002:f9:00.2")]);
    }

    [Fact]
    public void D05_script_boots_then_enables_sriov_at_84_3_seconds()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-builtin");
        Assert.Equal(2, m.Script.Length);
        Assert.IsType<Boot>(m.Script[0].Event);
        Assert.Null(m.Script[0].AtMicros);
        Assert.Equal(new SriovEnable(m.DeviceIndex("000a:11:00.0"), 2), m.Script[1].Event);
        Assert.Equal(84_300_000L, m.Script[1].AtMicros);
    }

    [Fact]
    public void D05_module_variant_loads_mlx5_core_at_100_7_and_enables_sriov_at_292_4()
    {
        var m = ScenarioFiles.Load("hisilicon-d05-mlx5-module");
        var mlx5 = m.DriverIndex("mlx5_core");
        Assert.False(m.Drivers[mlx5].Arrival.Builtin);
        Assert.DoesNotContain(mlx5, m.Index.BuiltinOrder);
        Assert.Equal(
            [("boot", (long?)null), ("modprobe mlx5_core", 100_700_000L), ("sriov-enable 000a:11:00.0 2", 292_400_000L)],
            m.Script.Select(a => (EventText.Format(m, a.Event), a.AtMicros)));
        var builtin = ScenarioFiles.Load("hisilicon-d05-builtin");
        Assert.Equal(builtin.Devices.Select(d => (d.Name, d.PresentAtBoot, d.Iommu)), m.Devices.Select(d => (d.Name, d.PresentAtBoot, d.Iommu)));
    }

    [Fact]
    public void Probe_deferral_basic_links_the_master_driver_before_the_iommu_driver()
    {
        var m = ScenarioFiles.Load("probe-deferral-basic");
        Assert.Equal(["pl330", "arm-smmu"], m.Index.BuiltinOrder.Select(i => m.Drivers[i].Name));
        var master = m.Devices[m.DeviceIndex("2b500000.dma")];
        Assert.Equal((BusKind.Platform, Firmware.Dt, (int?)m.IommuIndex("smmu0")), (master.Bus, master.Firmware, master.Iommu));
        var smmu = m.Iommus.Single();
        Assert.Equal((m.DeviceIndex("2b400000.iommu"), m.DriverIndex("arm-smmu")), (smmu.Device, smmu.Driver));
        Assert.IsType<Boot>(m.Script.Single().Event);
    }
}
