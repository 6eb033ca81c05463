using System.Collections.Immutable;
using Checker.Model.State;

namespace Checker.Model.Tests.Support;

/// <summary>One PCI function of a hand-built tree, as MachineBuilder.Pci takes it.</summary>
public sealed record PciFunction(string Name, PcieType Type, string? Parent = null, bool Multifunction = false,
    AcsFlags Acs = AcsFlags.None, bool AcsQuirk = false, string[]? AliasOf = null);

/// <summary>A small PCI tree (parents before children) in domain 0000, behind one SMMU.</summary>
public sealed record PciTopology(string Name, ImmutableArray<PciFunction> Functions)
{
    public const string Smmu = "arm-smmu-v3.0.auto";
    public const string SmmuDriver = "arm-smmu-v3";

    /// <summary>Each function's own driver, so that the test chooses the probe order exactly.</summary>
    public static string DriverOf(int function) => $"pci-drv{function}";

    /// <summary>
    /// An arm64 machine: the SMMU's platform device, a host bridge whose firmware (ACPI IORT or DT
    /// iommu-map) puts the whole domain behind it, the functions, the SMMU driver and one driver per
    /// function. Nothing else has an IOMMU, so group ids start at 0 with the first function grouped.
    /// </summary>
    public MachineBuilder Builder(Firmware firmware = Firmware.Acpi, bool withDrivers = true)
    {
        var b = new MachineBuilder(Arch.Arm64)
            .Iommu("smmu0", Smmu, SmmuDriver)
            .Platform(Smmu, firmware)
            .HostBridge("0000", "00", firmware, "smmu0");
        foreach (var f in Functions)
            b.Pci(f.Name, f.Type, f.Parent, f.Multifunction, f.Acs, f.AcsQuirk, f.AliasOf);
        b.Driver(SmmuDriver, BusKind.Platform, [Smmu]);
        if (withDrivers)
            for (int i = 0; i < Functions.Length; i++)
                b.Driver(DriverOf(i), BusKind.Pci, [Functions[i].Name]);
        return b;
    }

    /// <summary>
    /// The boot as events: every device added (parents first), the SMMU registered, then each
    /// function's driver in PROBEORDER (indices into <see cref="Functions"/>), then late_initcall.
    /// </summary>
    public IEnumerable<string> BootEvents(IEnumerable<int> probeOrder) =>
        new[] { $"add {Smmu}" }
            .Concat(Functions.Select(f => $"add {f.Name}"))
            .Append($"register {SmmuDriver}")
            .Concat(probeOrder.Select(i => $"register {DriverOf(i)}"))
            .Append("late-initcall");

    public IEnumerable<int> ParentFirst => Enumerable.Range(0, Functions.Length);
    public IEnumerable<int> ChildFirst => ParentFirst.Reverse();
}

/// <summary>The topologies the group and partition tests share (docs/semantics.md, "Groups"), by name.</summary>
public static class PciTopologies
{
    private const AcsFlags Acs = AcsFlags.Required;

    /// <summary>The D05 shape: a root port without ACS above a multifunction endpoint.</summary>
    public static readonly PciTopology NonAcsRootPortMultifunction = new("root port without ACS, multifunction endpoint",
    [
        new("0000:00:00.0", PcieType.RootPort),
        new("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0", Multifunction: true),
        new("0000:01:00.1", PcieType.Endpoint, "0000:00:00.0", Multifunction: true),
    ]);

    public static readonly PciTopology AcsRootPortSingleFunction = new("ACS root port, single-function endpoint",
    [
        new("0000:00:00.0", PcieType.RootPort, Acs: Acs),
        new("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0"),
    ]);

    public static readonly PciTopology AcsRootPortMultifunctionWithoutAcs = new("ACS root port, multifunction endpoint without ACS",
    [
        new("0000:00:00.0", PcieType.RootPort, Acs: Acs),
        new("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0", Multifunction: true),
        new("0000:01:00.1", PcieType.Endpoint, "0000:00:00.0", Multifunction: true),
    ]);

    public static readonly PciTopology AcsRootPortMultifunctionWithAcs = new("ACS root port, multifunction endpoint with ACS",
    [
        new("0000:00:00.0", PcieType.RootPort, Acs: Acs),
        new("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0", Multifunction: true, Acs: Acs),
        new("0000:01:00.1", PcieType.Endpoint, "0000:00:00.0", Multifunction: true, Acs: Acs),
    ]);

    /// <summary>Conventional PCI devices behind a PCIe-to-PCI bridge, which takes over their requester ID.</summary>
    public static readonly PciTopology PcieToPciBridge = new("PCIe-to-PCI bridge with legacy devices below an ACS root port",
    [
        new("0000:00:00.0", PcieType.RootPort, Acs: Acs),
        new("0000:01:00.0", PcieType.PcieToPciBridge, "0000:00:00.0"),
        new("0000:02:00.0", PcieType.LegacyPci, "0000:01:00.0"),
        new("0000:02:01.0", PcieType.LegacyPci, "0000:01:00.0"),
    ]);

    /// <summary>Two isolated functions, one a quirk DMA alias of the other (quirk_dma_func0_alias style).</summary>
    public static readonly PciTopology DmaAliasQuirk = new("DMA alias quirk between two ACS functions below an ACS root port",
    [
        new("0000:00:00.0", PcieType.RootPort, Acs: Acs),
        new("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0", Multifunction: true, Acs: Acs),
        new("0000:01:00.1", PcieType.Endpoint, "0000:00:00.0", Multifunction: true, Acs: Acs, AliasOf: ["0000:01:00.0"]),
    ]);

    /// <summary>The D05 shape again, but the root port is quirked as isolating (pci_dev_specific_acs_enabled).</summary>
    public static readonly PciTopology AcsQuirkRootPort = new("root port with an ACS quirk, multifunction endpoint without ACS",
    [
        new("0000:00:00.0", PcieType.RootPort, AcsQuirk: true),
        new("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0", Multifunction: true),
        new("0000:01:00.1", PcieType.Endpoint, "0000:00:00.0", Multifunction: true),
    ]);

    /// <summary>A switch below an ACS root port: one downstream port with ACS, one without, an endpoint below each.</summary>
    public static readonly PciTopology Switch = new("PCIe switch with an ACS and a non-ACS downstream port",
    [
        new("0000:00:00.0", PcieType.RootPort, Acs: Acs),
        new("0000:01:00.0", PcieType.UpstreamPort, "0000:00:00.0"),
        new("0000:02:00.0", PcieType.DownstreamPort, "0000:01:00.0", Acs: Acs),
        new("0000:02:01.0", PcieType.DownstreamPort, "0000:01:00.0"),
        new("0000:03:00.0", PcieType.Endpoint, "0000:02:00.0"),
        new("0000:04:00.0", PcieType.Endpoint, "0000:02:01.0"),
    ]);

    public static readonly ImmutableArray<PciTopology> All =
    [
        NonAcsRootPortMultifunction, AcsRootPortSingleFunction, AcsRootPortMultifunctionWithoutAcs,
        AcsRootPortMultifunctionWithAcs, PcieToPciBridge, DmaAliasQuirk, AcsQuirkRootPort, Switch,
    ];

    public static PciTopology Named(string name) => All.Single(t => t.Name == name);
}
