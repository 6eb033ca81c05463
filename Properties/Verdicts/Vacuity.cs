using Checker.Model.State;
using Checker.Properties.Invariants;

namespace Checker.Properties.Verdicts;

/// <summary>
/// When a property has nothing to compare on a machine, so that passing it shows nothing: a
/// group invariant on a machine with no device behind an IOMMU, the sibling rule with fewer than
/// two PCI functions behind one IOMMU, the reload rule with no IOMMU driver built as a module,
/// the binding rule with no driver matching any device. A property not listed is never vacuous.
/// </summary>
public static class Vacuity
{
    /// <summary>Why PROPERTY is vacuous on M, or null when it has something to check.</summary>
    public static string? Of(string property, Machine m)
    {
        bool translated = m.Devices.Any(d => d.Iommu is not null);
        return property switch
        {
            nameof(GroupInvariants.NonAcsSiblingsShareGroup) when !m.Devices.Where(d => d.Pci is not null && d.Iommu is not null).GroupBy(d => d.Iommu).Any(g => g.Count() >= 2) =>
                "no IOMMU has two PCI functions behind it",
            nameof(GroupInvariants.IsolatedDevicesDoNotShareGroup) or nameof(GroupInvariants.GroupedByOwnIommu) or nameof(GroupInvariants.GroupBookkeepingConsistent)
                or nameof(DmaOpsInvariants.NoDmaBypass) or nameof(DmaOpsInvariants.FallbackKeepsCoherency)
                when !translated => "no device is behind an IOMMU",
            nameof(LifecycleInvariants.IommuReloadIsClean) when !m.Iommus.Any(i => i.Driver is int r && !m.Drivers[r].Arrival.Builtin) =>
                "no IOMMU driver is a module, so none is reloaded",
            nameof(LifecycleInvariants.EveryMatchedDeviceBinds) when m.Drivers.All(d => d.Matches.IsEmpty) => "no driver matches any device",
            _ => null,
        };
    }

    /// <summary>VERDICT, made vacuous when it is a pass of a property that is vacuous on M.</summary>
    public static Verdict Apply(Verdict verdict, string property, Machine m) =>
        verdict.Kind == VerdictKind.Passed && Of(property, m) is { } why ? Verdict.Vacuous(why) : verdict;
}
