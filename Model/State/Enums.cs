namespace Checker.Model.State;

/// <summary>The kernel architecture whose DMA-mapping code the model follows.</summary>
public enum Arch { Arm64, Arm, X86 }

/// <summary>How firmware describes a device's IOMMU: DT (`iommus`, `iommu-map`) or ACPI (IORT).</summary>
public enum Firmware { Dt, Acpi }

/// <summary>The bus a device sits on; its name is the prefix of unbound devices' log lines.</summary>
public enum BusKind { Platform, Pci, Amba }

/// <summary>PCIe capability type (or conventional PCI) of a PCI function, as pci_pcie_type() reports it.</summary>
public enum PcieType
{
    RootPort, DownstreamPort, UpstreamPort, Endpoint, PcieToPciBridge, PciToPcieBridge,
    PciBridge, LegacyPci, RcIntegratedEndpoint, RcEventCollector,
}

/// <summary>ACS controls that are in effect (enabled in ACSCtl, or absent from ACSCap).</summary>
[Flags]
public enum AcsFlags
{
    None = 0,
    SourceValidation = 1,
    RequestRedirect = 2,
    CompletionRedirect = 4,
    UpstreamForwarding = 8,
    /// <summary>REQ_ACS_FLAGS of drivers/iommu/iommu.c: all four must be in effect to isolate.</summary>
    Required = SourceValidation | RequestRedirect | CompletionRedirect | UpstreamForwarding,
}

/// <summary>Probe status of a device (docs/semantics.md, "The machine and the state").</summary>
public enum ProbeStatus { Unprobed, Deferred, Bound, Failed }

/// <summary>Which dma_map_ops a device uses.</summary>
public enum DmaOpsKind { None, Direct, Iommu, ThirdParty }

/// <summary>Initcall levels, in the order the kernel runs them.</summary>
public enum InitcallLevel { Core, Postcore, Arch, Subsys, Fs, Rootfs, Device }

public static class EnumNames
{
    public static string BusName(this BusKind bus) => bus switch
    {
        BusKind.Platform => "platform",
        BusKind.Pci => "pci",
        BusKind.Amba => "amba",
        _ => throw new ArgumentOutOfRangeException(nameof(bus)),
    };

    /// <summary>The PCIe type as scenarios write it (`root-port`, `pcie-to-pci-bridge`, ...).</summary>
    public static string TypeName(this PcieType type) => type switch
    {
        PcieType.RootPort => "root-port",
        PcieType.DownstreamPort => "downstream-port",
        PcieType.UpstreamPort => "upstream-port",
        PcieType.Endpoint => "endpoint",
        PcieType.PcieToPciBridge => "pcie-to-pci-bridge",
        PcieType.PciToPcieBridge => "pci-to-pcie-bridge",
        PcieType.PciBridge => "pci-bridge",
        PcieType.LegacyPci => "legacy-pci",
        PcieType.RcIntegratedEndpoint => "rc-integrated-endpoint",
        _ => "rc-event-collector",
    };

    public static string OpsName(this DmaOpsKind kind) => kind switch
    {
        DmaOpsKind.None => "none",
        DmaOpsKind.Direct => "direct",
        DmaOpsKind.Iommu => "iommu",
        DmaOpsKind.ThirdParty => "third-party",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
