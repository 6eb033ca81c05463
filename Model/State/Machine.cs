using System.Collections.Immutable;

namespace Checker.Model.State;

/// <summary>Where a scenario element was written, so errors and reports can point at it.</summary>
public readonly record struct SourceLine(int Line)
{
    public static readonly SourceLine None = new(0);
}

/// <summary>A DT `dma-ranges` window: bus address and size.</summary>
public sealed record DmaRange(ulong Base, ulong Size);

/// <summary>
/// What the kernel's PCI quirk tables match a function on, as a real machine's dump gives it;
/// null where the dump does not say. <see cref="Class"/> is `dev->class` (base class, subclass and
/// programming interface, 24 bits; prog-if 0 when the dump has none). <see cref="AcsCapability"/>
/// is whether the function has an ACS extended capability at all, a separate fact from which ACS
/// flags are in effect (`pci_acs_flags_enabled` counts flags missing from ACSCap as in effect).
/// </summary>
public sealed record PciIds(int? Vendor, int? Device, int? Class, bool? AcsCapability);

/// <summary>PCI-only facts of a device: its place in the tree and its isolation.</summary>
public sealed record PciInfo(
    int Domain,
    int BusNumber,
    int Devfn,
    int? ParentBridge,
    PcieType Type,
    bool Multifunction,
    AcsFlags Acs,
    bool AcsQuirk,
    ImmutableArray<int> DmaAliasOf,
    int? PhysFn,
    PciIds? Ids = null)
{
    public int Slot => Devfn >> 3;
    public int Function => Devfn & 7;
    public bool IsVf => PhysFn is not null;
}

/// <summary>One device of the machine: static facts only; its changing state lives in <see cref="DeviceState"/>.</summary>
public sealed record DeviceSpec(
    int Index,
    string Name,
    BusKind Bus,
    Firmware Firmware,
    int? Iommu,
    bool Coherent,
    DmaRange? DmaRanges,
    int CoherentMaskBits,
    bool PresentAtBoot,
    PciInfo? Pci,
    SourceLine Source);

/// <summary>What a driver's probe does (docs/semantics.md, "The machine and the state", drivers).</summary>
public abstract record ProbeBehaviour
{
    public static readonly ProbeBehaviour Succeeds = new SucceedsProbe();
    private ProbeBehaviour() { }

    public sealed record SucceedsProbe : ProbeBehaviour;
    public sealed record FailsWith(int Errno) : ProbeBehaviour;
    /// <summary>Returns -EPROBE_DEFER until the named device is bound (a supplier not yet ready).</summary>
    public sealed record DefersUntilBound(int Supplier) : ProbeBehaviour;
}

/// <summary>How a driver arrives: built in at an initcall level and link position, or as a module.</summary>
public sealed record DriverArrival(bool Builtin, InitcallLevel Level, int LinkOrder)
{
    public static DriverArrival Module() => new(false, InitcallLevel.Device, int.MaxValue);
}

public sealed record DriverSpec(
    int Index,
    string Name,
    BusKind Bus,
    ImmutableArray<int> Matches,
    DriverArrival Arrival,
    ProbeBehaviour Probe,
    bool ArmIommuAttach,
    SourceLine Source);

/// <summary>An IOMMU instance: registered when <see cref="Driver"/> binds <see cref="Device"/> (none on x86).</summary>
public sealed record IommuSpec(
    int Index,
    string Name,
    int? Device,
    int? Driver,
    int? Contexts,
    bool DeferForever,
    SourceLine Source);

/// <summary>A PCI host bridge: every device of the domain inherits its firmware and IOMMU.</summary>
public sealed record HostBridge(int Domain, int RootBus, Firmware Firmware, int? Iommu, SourceLine Source)
{
    /// <summary>
    /// The VMD endpoint whose domain this is (`vmd:`), null for a host bridge of the firmware's: a
    /// VMD controller makes a PCI domain of its own (vmd_enable_domain(), drivers/pci/controller/vmd.c)
    /// whose functions' DMA reaches the IOMMU with the endpoint's requester ID, so pci_real_dma_dev()
    /// is the endpoint for each of them (arch/x86/pci/common.c, v5.6 on), and <see cref="Iommu"/> is
    /// the endpoint's (docs/semantics.md, "VMD").
    /// </summary>
    public int? Vmd { get; init; }
}

/// <summary>One action of the scenario's script, with its optional `at:` time in microseconds.</summary>
public sealed record ScriptAction(Events.Event Event, long? AtMicros, SourceLine Source);

/// <summary>The static world: one machine, its drivers, its IOMMUs, its policy variants and its script.</summary>
public sealed record Machine(
    string Name,
    Arch Arch,
    Variants Variants,
    ImmutableArray<DeviceSpec> Devices,
    ImmutableArray<DriverSpec> Drivers,
    ImmutableArray<IommuSpec> Iommus,
    ImmutableArray<HostBridge> HostBridges,
    ImmutableArray<ScriptAction> Script)
{
    [DerivedCache] private MachineIndex? _index;

    /// <summary>Copies every fact but not the derived index, which `with` would otherwise carry over stale.</summary>
    private Machine(Machine other)
    {
        Name = other.Name;
        Arch = other.Arch;
        Variants = other.Variants;
        Devices = other.Devices;
        Drivers = other.Drivers;
        Iommus = other.Iommus;
        HostBridges = other.HostBridges;
        Script = other.Script;
        DeferredProbeTimeout = other.DeferredProbeTimeout;
        AcsOverride = other.AcsOverride;
    }

    /// <summary>
    /// 6.15: seconds after late_initcall until the deferred-probe timeout (`kernel.deferred-probe-timeout`,
    /// driver_deferred_probe_timeout, default 10 with CONFIG_MODULES in drivers/base/dd.c).
    /// </summary>
    public int DeferredProbeTimeout { get; init; } = DefaultDeferredProbeTimeout;

    /// <summary>driver_deferred_probe_timeout's default with CONFIG_MODULES (drivers/base/dd.c, v6.15).</summary>
    public const int DefaultDeferredProbeTimeout = 10;

    /// <summary>
    /// `kernel.pcie-acs-override`: the command-line parameter of the out-of-tree ACS override
    /// patch (docs/semantics.md, "ACS"), null when the kernel runs without it, as every released
    /// kernel does.
    /// </summary>
    public Topology.Quirks.AcsOverride? AcsOverride { get; init; }

    /// <summary>Derived lookups (children, matching drivers, ...), computed once per machine.</summary>
    public MachineIndex Index => _index ??= new MachineIndex(this);

    /// <summary>
    /// This machine, with its index derived from PARENT's (<see cref="MachineIndex.Pruned"/>): for a
    /// machine just made from PARENT by dropping devices and drivers (DEVMAP, DRVMAP: per device,
    /// driver of PARENT its new index, or -1), before anything has read its index.
    /// </summary>
    public Machine WithIndexPrunedFrom(Machine parent, int[] devMap, int[] drvMap)
    {
        if (_index is not null)
            throw new InvalidOperationException("the index was already made");
        _index = MachineIndex.Pruned(parent, this, devMap, drvMap);
        return this;
    }

    public int DeviceIndex(string name) => Index.DeviceByName.TryGetValue(name, out var i) ? i : -1;
    public int DriverIndex(string name) => Index.DriverByName.TryGetValue(name, out var i) ? i : -1;
    public int IommuIndex(string name) => Index.IommuByName.TryGetValue(name, out var i) ? i : -1;

    /// <summary>The IOMMU instance that translates DEV, if any: its own for platform/amba, its host bridge's for PCI.</summary>
    public int? IommuOf(int dev) => Devices[dev].Iommu;
}
