using Checker.Model.State;
using Checker.Model.Topology;
using Checker.Properties.Invariants;

namespace Checker.Properties.Verdicts;

/// <summary>
/// When a property has nothing to compare on a machine, so that no ordering can break it and
/// "passed" would show nothing: the machine has no device behind an IOMMU instance that can
/// register (no instance, or none translates a device, or its driver is missing), or the property's
/// own subject is absent (no two devices that must share a group, no modular IOMMU driver to
/// reload, no DT device whose mask of_dma_configure derives). Decided from the machine alone,
/// before any run.
/// </summary>
public static class Vacuity
{
    /// <summary>Why nothing on M is behind a registered IOMMU, or null when some device is.</summary>
    public static string? NoIommuReason(Machine m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Iommus.IsEmpty)
            return "the machine has no IOMMU instance, so no device is behind a registered IOMMU: nothing is grouped and no device gets IOMMU DMA ops";
        if (TranslatedDevices(m).Count == 0)
            return $"no device is behind a registered IOMMU (the machine's {m.Iommus.Length} IOMMU instance(s) translate no device, or have no driver to register them): "
                + "nothing is grouped and no device gets IOMMU DMA ops";
        return null;
    }

    /// <summary>The devices an IOMMU instance translates that can register: x86 units always, others once a driver binds their device.</summary>
    public static List<int> TranslatedDevices(Machine m) =>
        [.. m.Devices.Where(d => d.Iommu is int i && (m.Arch == Arch.X86 || m.Iommus[i].Driver is not null)).Select(d => d.Index)];

    /// <summary>Why INVARIANT has nothing to compare on M, or null when a run can break it.</summary>
    public static string? Reason(Machine m, Invariant invariant)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(invariant);
        var noIommu = NoIommuReason(m);
        switch (invariant.Name)
        {
            case nameof(GroupInvariants.NonAcsSiblingsShareGroup):
                return noIommu ?? (CanonicalPartition.For(m).Components().Any(c => c.Length > 1) ? null
                    : "every device behind an IOMMU is isolated in the canonical partition: no two devices must share a group");
            case nameof(GroupInvariants.IsolatedDevicesDoNotShareGroup):
                return noIommu ?? (TranslatedDevices(m).Count > 1 ? null : "only one device is behind an IOMMU: no two devices can share a group");
            case nameof(LifecycleInvariants.IommuReloadIsClean):
                return noIommu ?? (m.Iommus.Any(i => i.Driver is int d && !m.Drivers[d].Arrival.Builtin) ? null
                    : "no IOMMU driver is a module: no instance is ever unloaded and reloaded");
            case nameof(DmaOpsInvariants.TeardownRestoresDmaOps):
            case nameof(DmaOpsInvariants.DmaConfigureBalanced):
                // On arm64 and x86 NULL dma_ops are the direct ops: without an IOMMU every
                // dma_configure picks them and every teardown restores them. ARM32 keeps its own.
                return m.Arch == Arch.Arm ? null : noIommu;
            case nameof(LifecycleInvariants.EveryMatchedDeviceBinds):
                return noIommu is not null && !m.Drivers.Any(d => d.Probe is ProbeBehaviour.DefersUntilBound)
                    && m.Variants.Groups != GroupsVariant.ParentLink
                    ? "nothing can hold a probe back: no IOMMU to wait for, no probe waits for a supplier, no parent links" : null;
            case nameof(DmaOpsInvariants.CoherentMaskCoversRange):
                return m.Devices.Any(d => d.Firmware == Firmware.Dt)
                    ? null : "no DT device: of_dma_configure never derives a mask from a range (ACPI devices keep theirs)";
            default:
                return noIommu;
        }
    }

    /// <summary>The vacuous properties among INVARIANTS, with their reasons, in their order.</summary>
    public static IReadOnlyList<(string Property, string Reason)> Of(Machine m, IEnumerable<Invariant> invariants) =>
        [.. invariants.Select(i => (i.Name, Reason: Reason(m, i))).Where(x => x.Reason is not null).Select(x => (x.Name, x.Reason!))];

    /// <summary>
    /// The warning a command prints on stderr, or null: when no device is behind a registered
    /// IOMMU (whatever the properties), or when every property it checks is vacuous.
    /// </summary>
    public static string? Warning(Machine m, IReadOnlyCollection<Invariant> invariants)
    {
        var vacuous = Of(m, invariants);
        var noIommu = NoIommuReason(m);
        if (noIommu is null && (vacuous.Count == 0 || vacuous.Count < invariants.Count))
            return null;
        var reason = noIommu ?? (vacuous.Count == 1 ? vacuous[0].Reason : string.Join("; ", vacuous.Select(v => $"{v.Property}: {v.Reason}")));
        var share = vacuous.Count == invariants.Count ? "passing shows nothing about this machine"
            : $"{vacuous.Count} of the {invariants.Count} properties have nothing to compare";
        return $"checker: warning: vacuous: {reason}; {share}";
    }
}
