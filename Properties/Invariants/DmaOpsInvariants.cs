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
            var findings = new List<Finding>();
            foreach (var t in w.Trace.OfType<DeconfigureTrace>())
                if (t.MatchedConfigure && !SameOps(t.BeforeConfigure, t.After))
                    findings.Add(new Finding(
                        $"teardown of {Name(w, t.Device)} left {t.After.Describe(w.Machine)}; before its dma_configure it had {t.BeforeConfigure.Describe(w.Machine)}",
                        [Name(w, t.Device)]));
            return Violation.Of(nameof(TeardownRestoresDmaOps), findings);
        });

    /// <summary>A bound device never runs on ops whose mapping or IOMMU instance is gone, and runs on the ops it was configured with.</summary>
    public static readonly Invariant NoStaleDmaOps = new(
        nameof(NoStaleDmaOps),
        "a bound device's dma_ops use no released mapping and no unregistered or older instance, and are the ops its last dma_configure chose",
        s =>
        {
            var w = s.After;
            var findings = new List<Finding>();
            foreach (int dev in w.BusList)
            {
                var d = w.Device(dev);
                if (!d.IsBound)
                    continue;
                string? why = StaleReason(w, d);
                if (why is not null)
                    findings.Add(new Finding($"{Name(w, dev)} is bound with {d.Ops.Describe(w.Machine)}: {why}", [Name(w, dev)]));
            }
            return Violation.Of(nameof(NoStaleDmaOps), findings);
        })
    {
        Reuse = new((a, b) => ReferenceEquals(a.LiveMappings, b.LiveMappings) && a.Instances == b.Instances,
            (a, b) => a.Status == b.Status && a.Ops == b.Ops && a.ConfiguredOps == b.ConfiguredOps, d => d.IsBound),
    };

    /// <summary>Successful dma_configure and dma_deconfigure alternate per device.</summary>
    public static readonly Invariant DmaConfigureBalanced = new(
        nameof(DmaConfigureBalanced),
        "per device, successful dma_configure and dma_deconfigure alternate",
        s =>
        {
            var w = s.After;
            var findings = new List<Finding>();
            for (int dev = 0; dev < w.DeviceCount; dev++)
                if (w.Device(dev).LiveConfigures > 1)
                    findings.Add(new Finding(
                        $"{Name(w, dev)} has {w.Device(dev).LiveConfigures} successful dma_configure calls without a dma_deconfigure between them",
                        [Name(w, dev)]));
            return Violation.Of(nameof(DmaConfigureBalanced), findings);
        })
    {
        Reuse = new((_, _) => true, (a, b) => a.LiveConfigures == b.LiveConfigures, null),
    };

    /// <summary>"We'd probably want to fall-back to non-IOMMU DMA ops, but that in-turn could have consequences on things like dma-coherent."</summary>
    public static readonly Invariant FallbackKeepsCoherency = new(
        nameof(FallbackKeepsCoherency),
        "a fallback to direct ops keeps the device's coherent attribute",
        s =>
        {
            var w = s.After;
            var findings = new List<Finding>();
            foreach (var t in w.Trace.OfType<FallbackTrace>())
                if (t.CoherentBefore != t.CoherentAfter)
                    findings.Add(new Finding(
                        $"{Name(w, t.Device)} is dma-coherent but fell back ({Reason(t.Reason)}) to non-coherent direct ops",
                        [Name(w, t.Device)]));
            return Violation.Of(nameof(FallbackKeepsCoherency), findings);
        });

    /// <summary>
    /// The size of_dma_configure derives is never 0 (mask + 1 overflowing), and the coherent mask
    /// after narrowing still reaches the first byte of the range (dma_addr &lt;= mask): a device
    /// whose mask reaches none of its DMA range cannot allocate coherent memory it can address.
    /// </summary>
    public static readonly Invariant CoherentMaskCoversRange = new(
        nameof(CoherentMaskCoversRange),
        "the computed DMA size is never 0 and the narrowed coherent mask still reaches the first byte of the range",
        s =>
        {
            var w = s.After;
            var findings = new List<Finding>();
            foreach (var t in w.Trace.OfType<MaskTrace>())
            {
                if (t.Size == 0)
                    findings.Add(new Finding(
                        $"{Name(w, t.Device)}: of_dma_configure computed size 0x{t.Size:x} from dma_addr 0x{t.DmaAddr:x}; the coherent mask is now 0x{t.Mask:x}",
                        [Name(w, t.Device)]));
                else if (t.Mask < t.DmaAddr)
                    findings.Add(new Finding(
                        $"{Name(w, t.Device)}: the coherent mask 0x{t.Mask:x} after narrowing reaches none of its DMA range (dma_addr 0x{t.DmaAddr:x}, size 0x{t.Size:x})",
                        [Name(w, t.Device)]));
            }
            return Violation.Of(nameof(CoherentMaskCoversRange), findings);
        });

    /// <summary>A bound device that its registered IOMMU translates does not bypass it on direct ops.</summary>
    public static readonly Invariant NoDmaBypass = new(
        nameof(NoDmaBypass),
        "a bound device behind a registered instance (not ungrouped by -ENOSPC, not without a domain) does not use direct dma_ops",
        s =>
        {
            var w = s.After;
            var findings = new List<Finding>();
            foreach (int dev in w.BusList)
            {
                var d = w.Device(dev);
                if (d.IsBound && w.Machine.Devices[dev].Iommu is int inst && w.Instances[inst].Registered
                    && d.Fallback == FallbackReason.None && d.Ops.Kind is DmaOpsKind.Direct or DmaOpsKind.None)
                    findings.Add(new Finding(
                        $"{Name(w, dev)} is bound with {d.Ops.Describe(w.Machine)} while {w.Machine.Iommus[inst].Name}, which translates it, is registered",
                        [Name(w, dev)]));
            }
            return Violation.Of(nameof(NoDmaBypass), findings);
        })
    {
        Reuse = new((a, b) => a.Instances == b.Instances,
            (a, b) => a.Status == b.Status && a.Fallback == b.Fallback && a.Ops == b.Ops, d => d.IsBound),
    };

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
