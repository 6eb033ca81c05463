namespace Checker.Model.State;

/// <summary>
/// Facts about what happened during one step, for the invariants that are about transitions
/// (a teardown, a group add, a fallback). Cleared at the start of every step; never part of
/// a state's identity.
/// </summary>
public abstract record TraceEntry
{
    private protected TraceEntry() { }
}

/// <summary>dma_deconfigure ran on DEVICE: the ops before its matching configure, and the ops now.</summary>
public sealed record DeconfigureTrace(int Device, DmaOps BeforeConfigure, DmaOps After, bool MatchedConfigure) : TraceEntry;

/// <summary>iommu_group_add_device put DEVICE into GROUP on behalf of INSTANCE.</summary>
public sealed record GroupAddTrace(int Device, int Group, int Instance) : TraceEntry;

/// <summary>DEVICE fell back to direct ops; its coherent attribute before and after.</summary>
public sealed record FallbackTrace(int Device, bool CoherentBefore, bool CoherentAfter, FallbackReason Reason) : TraceEntry;

/// <summary>of_dma_configure computed SIZE from the mask (or dma-ranges); MASK is the device's coherent mask after narrowing.</summary>
public sealed record MaskTrace(int Device, ulong DmaAddr, ulong Size, ulong Mask) : TraceEntry;
