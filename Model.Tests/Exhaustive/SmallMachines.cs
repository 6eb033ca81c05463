using Checker.Model.State;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Exhaustive;

/// <summary>Machines small enough to explore completely in a test.</summary>
public static class SmallMachines
{
    /// <summary>The D05 split-group bug in miniature: an SMMU, a root port without ACS, two multifunction endpoints.</summary>
    public static Machine SplitGroup() => new MachineBuilder(Arch.Arm64)
        .Iommu("smmu-0002", "arm-smmu-v3.0.auto", "arm-smmu-v3")
        .Platform("arm-smmu-v3.0.auto", Firmware.Acpi)
        .HostBridge("0002", "f8", Firmware.Acpi, "smmu-0002")
        .Pci("0002:f8:00.0", PcieType.RootPort)
        .Pci("0002:f9:00.0", PcieType.Endpoint, "0002:f8:00.0", multifunction: true)
        .Pci("0002:f9:00.1", PcieType.Endpoint, "0002:f8:00.0", multifunction: true)
        .Driver("pcieport", BusKind.Pci, ["0002:f8:00.0"])
        .Driver("arm-smmu-v3", BusKind.Platform, ["arm-smmu-v3.0.auto"])
        .Driver("serial", BusKind.Pci, ["0002:f9:00.0", "0002:f9:00.1"])
        .Script("boot")
        .Build("split-group");

    /// <summary>A DT master, its SMMU and a modular driver: deferral, rmmod and reload.</summary>
    public static Machine DtModule() => new MachineBuilder(Arch.Arm64)
        .Iommu("smmu0", "2b400000.iommu", "arm-smmu")
        .Platform("2b400000.iommu")
        .Platform("2b500000.dma", iommu: "smmu0")
        .Driver("pl330", BusKind.Platform, ["2b500000.dma"])
        .Driver("arm-smmu", BusKind.Platform, ["2b400000.iommu"], module: true)
        .Script("boot")
        .Build("dt-module");
}
