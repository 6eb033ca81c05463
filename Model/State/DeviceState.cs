namespace Checker.Model.State;

/// <summary>Why a device that firmware puts behind a registered IOMMU legitimately runs on direct ops.</summary>
public enum FallbackReason { None, ContextsExhausted, NoDomain }

/// <summary>
/// The changing state of one device (docs/semantics.md, "The machine and the state"). <see cref="Detached"/> marks a device that
/// sysfs `unbind` or `rmmod` took from its driver: the kernel does not probe it again by itself.
/// <see cref="FwspecOps"/>: the fwspec carries its IOMMU driver's ops (iommu_fwspec_init() with the
/// ops of a registered instance); a DT fwspec left by a deferred of_iommu_xlate() has none. The
/// fwspec always names the instance the device's own firmware names.
/// </summary>
public sealed record DeviceState(
    bool Present,
    bool EverAdded,
    ProbeStatus Status,
    int Driver,
    int Group,
    bool HasFwspec,
    DmaOps Ops,
    bool ArchSetOps,
    bool Coherent,
    ulong CoherentMask,
    int LiveConfigures,
    DmaOps ConfiguredOps,
    DmaOps OpsBeforeConfigure,
    FallbackReason Fallback,
    int PendingProbeErrno,
    bool PendingAttachFailure,
    bool InjectedFailure,
    bool Detached,
    bool FwspecOps = false)
{
    public const int NoDriver = -1;
    public const int NoGroup = -1;

    public static DeviceState Initial(DeviceSpec spec) => Initial(spec, Arch.Arm64);

    /// <summary>The state before device_add; on arm64/x86 dma_ops start NULL (<see cref="DmaOps.Null"/>).</summary>
    public static DeviceState Initial(DeviceSpec spec, Arch arch) => new(
        Present: false, EverAdded: false, Status: ProbeStatus.Unprobed, Driver: NoDriver, Group: NoGroup,
        HasFwspec: false, Ops: DmaOps.Unset(arch), ArchSetOps: false, Coherent: spec.Coherent,
        CoherentMask: DmaMask.BitMask(spec.CoherentMaskBits), LiveConfigures: 0,
        ConfiguredOps: DmaOps.Unset(arch), OpsBeforeConfigure: DmaOps.Unset(arch), Fallback: FallbackReason.None,
        PendingProbeErrno: 0, PendingAttachFailure: false, InjectedFailure: false, Detached: false);

    public bool IsBound => Status == ProbeStatus.Bound;
    public bool IsGrouped => Group != NoGroup;
}

/// <summary>The changing state of one IOMMU instance.</summary>
public sealed record InstanceState(bool Registered, int Generation, int Unregistrations, int SharedMapping, bool PendingDomainAllocFailure, int DomainsInUse)
{
    public static readonly InstanceState Initial = new(false, 0, 0, -1, false, 0);
}

/// <summary>An IOMMU group: its id, members in the order they joined, the instance that formed it.</summary>
public sealed record IommuGroup(int Id, PersistentVector<int> Members, int Instance, int Generation, bool HasDomain, bool HoldsContext);
