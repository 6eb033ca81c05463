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

    /// <summary>
    /// Two SMMUs, each with an empty root port, and a third domain with a port and an endpoint, all
    /// built in: the D05's identical subtrees and shared drivers (pcieport, arm-smmu-v3) in miniature.
    /// </summary>
    public static Machine TwinPorts() => new MachineBuilder(Arch.Arm64)
        .Iommu("smmu-0004", "arm-smmu-v3.1.auto", "arm-smmu-v3")
        .Iommu("smmu-0005", "arm-smmu-v3.2.auto", "arm-smmu-v3")
        .Platform("arm-smmu-v3.1.auto", Firmware.Acpi)
        .Platform("arm-smmu-v3.2.auto", Firmware.Acpi)
        .HostBridge("0004", "88", Firmware.Acpi, "smmu-0004")
        .HostBridge("0005", "78", Firmware.Acpi, "smmu-0005")
        .HostBridge("0007", "90", Firmware.Acpi, null)
        .Pci("0004:88:00.0", PcieType.RootPort)
        .Pci("0005:78:00.0", PcieType.RootPort)
        .Pci("0007:90:00.0", PcieType.RootPort)
        .Pci("0007:91:00.0", PcieType.Endpoint, "0007:90:00.0")
        .Driver("pcieport", BusKind.Pci, ["0004:88:00.0", "0005:78:00.0", "0007:90:00.0"])
        .Driver("arm-smmu-v3", BusKind.Platform, ["arm-smmu-v3.1.auto", "arm-smmu-v3.2.auto"])
        .Script("boot")
        .Build("twin-ports");

    /// <summary>A root port without ACS, a PF with two VFs and a second PF, the mlx5 driver a module: SR-IOV, hot-remove and rmmod under one SMMU.</summary>
    public static Machine SriovModule() => new MachineBuilder(Arch.Arm64)
        .Iommu("smmu-000a", "arm-smmu-v3.3.auto", "arm-smmu-v3")
        .Platform("arm-smmu-v3.3.auto", Firmware.Acpi)
        .HostBridge("000a", "10", Firmware.Acpi, "smmu-000a")
        .Pci("000a:10:00.0", PcieType.RootPort)
        .Pci("000a:11:00.0", PcieType.Endpoint, "000a:10:00.0", multifunction: true)
        .Pci("000a:11:00.1", PcieType.Endpoint, "000a:10:00.0", multifunction: true)
        .Pci("000a:11:00.2", PcieType.Endpoint, "000a:10:00.0", physfn: "000a:11:00.0", present: false)
        .Driver("pcieport", BusKind.Pci, ["000a:10:00.0"])
        .Driver("arm-smmu-v3", BusKind.Platform, ["arm-smmu-v3.3.auto"])
        .Driver("mlx5_core", BusKind.Pci, ["000a:11:00.0", "000a:11:00.1", "000a:11:00.2"], module: true)
        .Script("boot")
        .Build("sriov-module");

    /// <summary>
    /// Every machine the equivalence tests explore: these and the bundled small scenarios, with the
    /// depth bound each is explored to (plain BFS within a few seconds).
    /// </summary>
    public static IReadOnlyList<(string Name, int Depth)> All { get; } =
    [
        ("split-group", 9), ("dt-module", 9), ("twin-ports", 9), ("sriov-module", 7),
        ("probe-deferral-basic", 8), ("smmu-context-exhaustion", 6), ("arm32-ipmmu-teardown", 6),
        ("modular-smmu-dt", 7), ("modular-smmu-acpi", 7), ("coherent-mask-overflow", 7),
        ("fw-devlink-supplier-missing", 7), ("virtio-iommu-reload", 7),
    ];

    /// <summary>The machine named NAME: one of these, or a bundled scenario.</summary>
    public static Machine Load(string name) => name switch
    {
        "split-group" => SplitGroup(),
        "dt-module" => DtModule(),
        "twin-ports" => TwinPorts(),
        "sriov-module" => SriovModule(),
        _ => ScenarioFiles.Load(name),
    };
}
