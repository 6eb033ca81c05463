using Checker.Model.State;
using static Checker.Properties.Invariants.GroupInvariants;

namespace Checker.Properties.Invariants;

/// <summary>The invariants about dma_ops, their setup and their teardown.</summary>
public static class DmaOpsInvariants
{
    /// <summary>"arch_teardown_dma_ops() being the inverse of arch_setup_dma_ops()": teardown restores what configure found.</summary>
    public static readonly Invariant TeardownRestoresDmaOps = new(
        nameof(TeardownRestoresDmaOps),
        "after dma_deconfigure, dma_ops, owner and mapping are what they were before the matching dma_configure",
        s =>
        {
            var w = s.After;
            foreach (var t in w.Trace.OfType<DeconfigureTrace>())
                if (t.MatchedConfigure && !SameOps(t.BeforeConfigure, t.After))
                    return new Violation(nameof(TeardownRestoresDmaOps),
                        $"teardown of {Name(w, t.Device)} left {t.After.Describe(w.Machine)}; before its dma_configure it had {t.BeforeConfigure.Describe(w.Machine)}",
                        [Name(w, t.Device)]);
            return null;
        });

    /// <summary>A bound device never runs on ops whose mapping or IOMMU instance is gone, and runs on the ops it was configured with.</summary>
    public static readonly Invariant NoStaleDmaOps = new(
        nameof(NoStaleDmaOps),
        "a bound device's dma_ops use no released mapping and no unregistered or older instance, and are the ops its last dma_configure chose",
        s =>
        {
            var w = s.After;
            foreach (int dev in w.BusList)
            {
                var d = w.Devices[dev];
                if (!d.IsBound)
                    continue;
                string? why = StaleReason(w, d);
                if (why is not null)
                    return new Violation(nameof(NoStaleDmaOps), $"{Name(w, dev)} is bound with {d.Ops.Describe(w.Machine)}: {why}", [Name(w, dev)]);
            }
            return null;
        });

    /// <summary>Successful dma_configure and dma_deconfigure alternate per device.</summary>
    public static readonly Invariant DmaConfigureBalanced = new(
        nameof(DmaConfigureBalanced),
        "per device, successful dma_configure and dma_deconfigure alternate",
        s =>
        {
            var w = s.After;
            for (int dev = 0; dev < w.Devices.Length; dev++)
                if (w.Devices[dev].LiveConfigures > 1)
                    return new Violation(nameof(DmaConfigureBalanced),
                        $"{Name(w, dev)} has {w.Devices[dev].LiveConfigures} successful dma_configure calls without a dma_deconfigure between them",
                        [Name(w, dev)]);
            return null;
        });

    /// <summary>"We'd probably want to fall-back to non-IOMMU DMA ops, but that in-turn could have consequences on things like dma-coherent."</summary>
    public static readonly Invariant FallbackKeepsCoherency = new(
        nameof(FallbackKeepsCoherency),
        "a fallback to direct ops keeps the device's coherent attribute",
        s =>
        {
            var w = s.After;
            foreach (var t in w.Trace.OfType<FallbackTrace>())
                if (t.CoherentBefore != t.CoherentAfter)
                    return new Violation(nameof(FallbackKeepsCoherency),
                        $"{Name(w, t.Device)} is dma-coherent but fell back ({Reason(t.Reason)}) to non-coherent direct ops",
                        [Name(w, t.Device)]);
            return null;
        });

    /// <summary>The size of_dma_configure derives is never 0 (mask + 1 overflowing) and the mask covers it.</summary>
    public static readonly Invariant CoherentMaskCoversRange = new(
        nameof(CoherentMaskCoversRange),
        "the computed DMA size is never 0 and the narrowed mask covers the range",
        s =>
        {
            var w = s.After;
            foreach (var t in w.Trace.OfType<MaskTrace>())
            {
                ulong last = unchecked(t.DmaAddr + t.Size - 1);
                if (t.Size == 0 || t.Mask < last)
                    return new Violation(nameof(CoherentMaskCoversRange),
                        $"{Name(w, t.Device)}: of_dma_configure computed size 0x{t.Size:x} from dma_addr 0x{t.DmaAddr:x} and mask 0x{t.Mask:x}",
                        [Name(w, t.Device)]);
            }
            return null;
        });

    /// <summary>A bound device that its registered IOMMU translates does not bypass it on direct ops.</summary>
    public static readonly Invariant NoDmaBypass = new(
        nameof(NoDmaBypass),
        "a bound device behind a registered instance (not ungrouped by -ENOSPC, not without a domain) does not use direct dma_ops",
        s =>
        {
            var w = s.After;
            foreach (int dev in w.BusList)
            {
                var d = w.Devices[dev];
                if (d.IsBound && w.Machine.Devices[dev].Iommu is int inst && w.Instances[inst].Registered
                    && d.Fallback == FallbackReason.None && d.Ops.Kind is DmaOpsKind.Direct or DmaOpsKind.None)
                    return new Violation(nameof(NoDmaBypass),
                        $"{Name(w, dev)} is bound with {d.Ops.Describe(w.Machine)} while {w.Machine.Iommus[inst].Name}, which translates it, is registered",
                        [Name(w, dev)]);
            }
            return null;
        });

    internal static string? StaleReason(World w, DeviceState d)
    {
        if (d.Ops.Mapping >= 0 && !w.LiveMappings.Contains(d.Ops.Mapping))
            return $"mapping #{d.Ops.Mapping} was released";
        if (d.Ops.Instance >= 0 && !w.Instances[d.Ops.Instance].Registered)
            return $"{w.Machine.Iommus[d.Ops.Instance].Name} is unregistered";
        if (d.Ops.Instance >= 0 && w.Instances[d.Ops.Instance].Generation != d.Ops.Generation)
            return $"{w.Machine.Iommus[d.Ops.Instance].Name} has registered again since (generation {w.Instances[d.Ops.Instance].Generation})";
        if (d.Ops != d.ConfiguredOps && d.Ops.Kind != DmaOpsKind.ThirdParty)
            return $"its last dma_configure chose {d.ConfiguredOps.Describe(w.Machine)}";
        return null;
    }

    private static bool SameOps(DmaOps a, DmaOps b) => a.Kind == b.Kind && a.Owner == b.Owner && a.Mapping == b.Mapping;

    private static string Reason(FallbackReason r) => r switch
    {
        FallbackReason.ContextsExhausted => "-ENOSPC: no free context",
        FallbackReason.NoDomain => "no default domain",
        _ => "no IOMMU",
    };
}
