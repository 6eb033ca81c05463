using System.Collections.Immutable;

namespace Checker.Properties.Invariants;

/// <summary>All twelve invariants of docs/semantics.md, "Invariants", in the order of docs/semantics.md.</summary>
public static class Catalogue
{
    public static readonly ImmutableArray<Invariant> All =
    [
        GroupInvariants.NonAcsSiblingsShareGroup,
        GroupInvariants.IsolatedDevicesDoNotShareGroup,
        DmaOpsInvariants.TeardownRestoresDmaOps,
        DmaOpsInvariants.NoStaleDmaOps,
        DmaOpsInvariants.DmaConfigureBalanced,
        GroupInvariants.GroupedByOwnIommu,
        LifecycleInvariants.EveryMatchedDeviceBinds,
        DmaOpsInvariants.NoDmaBypass,
        DmaOpsInvariants.FallbackKeepsCoherency,
        DmaOpsInvariants.CoherentMaskCoversRange,
        LifecycleInvariants.IommuReloadIsClean,
        GroupInvariants.GroupBookkeepingConsistent,
    ];

    public static IEnumerable<string> Names => All.Select(i => i.Name);

    /// <summary>The invariants named, in catalogue order; all of them when NAMES is empty. Unknown names are returned as errors.</summary>
    public static (ImmutableArray<Invariant> Selected, ImmutableArray<string> Unknown) Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0)
            return (All, []);
        var unknown = names.Where(n => All.All(i => i.Name != n)).ToImmutableArray();
        return (All.Where(i => names.Contains(i.Name)).ToImmutableArray(), unknown);
    }

    /// <summary>The first violation of any of INVARIANTS in the step, in catalogue order.</summary>
    public static Violation? FirstViolation(ImmutableArray<Invariant> invariants, StepView step)
    {
        foreach (var inv in invariants)
            if (inv.Check(step) is { } v)
                return v;
        return null;
    }
}
