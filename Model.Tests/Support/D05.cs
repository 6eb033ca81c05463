using Checker.Model.State;

namespace Checker.Model.Tests.Support;

/// <summary>
/// The Huawei D05 of the arm64 IOMMU groups thread, built in code so model tests do not depend on
/// the scenario loader (the scenario files are compared with it in the scenario tests).
/// </summary>
public static class D05
{
    public static MachineBuilder Builder(bool mlx5Module = false)
    {
        var b = new MachineBuilder(Arch.Arm64);
        string[] pciDomains = ["0002", "0004", "0005", "000a", "000c", "000d"];
        foreach (var dom in pciDomains)
            b.Iommu($"smmu-{dom}", $"arm-smmu-v3.{Array.IndexOf(pciDomains, dom)}.auto", "arm-smmu-v3");
        b.Iommu("smmu-platform", "arm-smmu-v3.6.auto", "arm-smmu-v3");
        for (int i = 0; i < 7; i++)
            b.Platform($"arm-smmu-v3.{i}.auto", Firmware.Acpi);
        b.Platform("HISI0162:01", Firmware.Acpi, "smmu-platform", coherent: true)
         .Platform("HISI00B2:00", Firmware.Acpi, "smmu-platform", coherent: true)
         .Platform("PNP0D20:00", Firmware.Acpi, "smmu-platform", coherent: true);
        b.HostBridge("0000", "00", Firmware.Acpi, null)
         .HostBridge("0002", "f8", Firmware.Acpi, "smmu-0002")
         .HostBridge("0004", "88", Firmware.Acpi, "smmu-0004")
         .HostBridge("0005", "78", Firmware.Acpi, "smmu-0005")
         .HostBridge("0006", "c0", Firmware.Acpi, null)
         .HostBridge("0007", "90", Firmware.Acpi, null)
         .HostBridge("000a", "10", Firmware.Acpi, "smmu-000a")
         .HostBridge("000c", "20", Firmware.Acpi, "smmu-000c")
         .HostBridge("000d", "30", Firmware.Acpi, "smmu-000d");
        b.Pci("0002:f8:00.0", PcieType.RootPort)
         .Pci("0002:f9:00.0", PcieType.Endpoint, "0002:f8:00.0", multifunction: true)
         .Pci("0002:f9:00.1", PcieType.Endpoint, "0002:f8:00.0", multifunction: true)
         .Pci("0002:f9:00.2", PcieType.Endpoint, "0002:f8:00.0", multifunction: true)
         .Pci("0004:88:00.0", PcieType.RootPort)
         .Pci("0005:78:00.0", PcieType.RootPort)
         .Pci("0006:c0:00.0", PcieType.RootPort)
         .Pci("0007:90:00.0", PcieType.RootPort)
         .Pci("0007:91:00.0", PcieType.Endpoint, "0007:90:00.0")
         .Pci("000a:10:00.0", PcieType.RootPort)
         .Pci("000a:11:00.0", PcieType.Endpoint, "000a:10:00.0", multifunction: true)
         .Pci("000a:11:00.1", PcieType.Endpoint, "000a:10:00.0", multifunction: true)
         .Pci("000a:11:00.2", PcieType.Endpoint, "000a:10:00.0", physfn: "000a:11:00.0", present: false)
         .Pci("000a:11:00.3", PcieType.Endpoint, "000a:10:00.0", physfn: "000a:11:00.0", present: false)
         .Pci("000c:20:00.0", PcieType.RootPort)
         .Pci("000c:21:00.0", PcieType.Endpoint, "000c:20:00.0")
         .Pci("000d:30:00.0", PcieType.RootPort);
        string[] rootPorts = ["0002:f8:00.0", "0004:88:00.0", "0005:78:00.0", "0006:c0:00.0", "0007:90:00.0", "000a:10:00.0", "000c:20:00.0", "000d:30:00.0"];
        b.Driver("pcieport", BusKind.Pci, rootPorts)
         .Driver("serial", BusKind.Pci, ["0002:f9:00.0", "0002:f9:00.1"])
         .Driver("arm-smmu-v3", BusKind.Platform, [.. Enumerable.Range(0, 7).Select(i => $"arm-smmu-v3.{i}.auto")])
         .Driver("hisi_sas_v2_hw", BusKind.Platform, ["HISI0162:01"])
         .Driver("hns_dsaf", BusKind.Platform, ["HISI00B2:00"])
         .Driver("mlx5_core", BusKind.Pci, ["000a:11:00.0", "000a:11:00.1", "000a:11:00.2", "000a:11:00.3"], module: mlx5Module)
         .Driver("ehci-platform", BusKind.Platform, ["PNP0D20:00"]);
        return mlx5Module
            ? b.Script("boot", "modprobe mlx5_core", "sriov-enable 000a:11:00.0 2")
            : b.Script("boot", "sriov-enable 000a:11:00.0 2");
    }

    public static Machine Builtin() => Builder().Build("d05-builtin");
    public static Machine Mlx5Module() => Builder(mlx5Module: true).Build("d05-mlx5-module");
}
