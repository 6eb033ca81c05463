using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;
using Checker.Properties.Matrix;

namespace Checker.Model.Tests.Invariants;

/// <summary>
/// Every invariant of spec section 7 is broken somewhere and holds somewhere: a property that
/// never fails is not checked, one that always fails says nothing. Each case is a scenario of
/// scenarios/ and one variant; docs/bugs.md reasons out why it breaks or holds. The orderings are
/// the matrix's (IOMMU devices are not unbound or hot-removed), a few hundred at most, seed 1.
/// </summary>
public class InvariantCoverageTests
{
    private const int MaxTests = 300;

    public static TheoryData<string, string, string> Broken => new()
    {
        { nameof(GroupInvariants.NonAcsSiblingsShareGroup), "hisilicon-d05-builtin", "groups=probe-time" },
        { nameof(GroupInvariants.IsolatedDevicesDoNotShareGroup), "pcie-switch-acs", "groups=walk-down" },
        { nameof(DmaOpsInvariants.TeardownRestoresDmaOps), "arm32-ipmmu-teardown", "teardown=clear-always" },
        { nameof(DmaOpsInvariants.NoStaleDmaOps), "arm32-ipmmu-teardown", "teardown=keep" },
        { nameof(DmaOpsInvariants.DmaConfigureBalanced), "modular-smmu-dt", "groups=per-instance" },
        { nameof(GroupInvariants.GroupedByOwnIommu), "fw-devlink-supplier-missing", "groups=bus-replay" },
        { nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "fw-devlink-supplier-missing", "fw-devlink=on" },
        { nameof(DmaOpsInvariants.NoDmaBypass), "modular-smmu-acpi", "groups=probe-time" },
        { nameof(DmaOpsInvariants.FallbackKeepsCoherency), "smmu-context-exhaustion", "fallback=default-ops" },
        { nameof(DmaOpsInvariants.CoherentMaskCoversRange), "coherent-mask-overflow", "mask=mask-plus-one" },
        { nameof(LifecycleInvariants.IommuReloadIsClean), "virtio-iommu-reload", "unload=unguarded" },
        { nameof(GroupInvariants.GroupBookkeepingConsistent), "virtio-iommu-reload", "unload=unguarded" },
    };

    public static TheoryData<string, string, string> Holding => new()
    {
        { nameof(GroupInvariants.NonAcsSiblingsShareGroup), "hisilicon-d05-builtin", "groups=per-instance" },
        { nameof(GroupInvariants.IsolatedDevicesDoNotShareGroup), "pcie-switch-acs", "groups=probe-time" },
        { nameof(DmaOpsInvariants.TeardownRestoresDmaOps), "arm32-ipmmu-teardown", "teardown=clear-owned" },
        { nameof(DmaOpsInvariants.NoStaleDmaOps), "arm32-ipmmu-teardown", "teardown=clear-owned" },
        { nameof(DmaOpsInvariants.DmaConfigureBalanced), "modular-smmu-dt", "groups=probe-time" },
        { nameof(GroupInvariants.GroupedByOwnIommu), "fw-devlink-supplier-missing", "groups=probe-time" },
        { nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "fw-devlink-supplier-missing", "fw-devlink=off" },
        { nameof(DmaOpsInvariants.NoDmaBypass), "hisilicon-d05-builtin", "groups=probe-time" },
        { nameof(DmaOpsInvariants.FallbackKeepsCoherency), "smmu-context-exhaustion", "fallback=keep-coherent" },
        { nameof(DmaOpsInvariants.CoherentMaskCoversRange), "coherent-mask-overflow", "mask=mask-max" },
        { nameof(LifecycleInvariants.IommuReloadIsClean), "virtio-iommu-reload", "unload=module-ref" },
        { nameof(GroupInvariants.GroupBookkeepingConsistent), "virtio-iommu-reload", "unload=module-ref" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Exploration_breaks_the_invariant_on_its_bug_scenario(string invariant, string scenario, string variant)
    {
        var found = Check(invariant, scenario, variant).Found;
        Assert.NotNull(found);
        Assert.Equal(invariant, found!.Violation.Property);
        var (shrunk, _) = found.Shrink(Catalogue.All.Single(i => i.Name == invariant));
        Assert.NotNull(Counterexample.Replay(shrunk.Machine, shrunk.Events, Catalogue.All.Single(i => i.Name == invariant)));
    }

    [Theory]
    [MemberData(nameof(Holding))]
    public void Exploration_finds_the_invariant_holding_under_the_fix(string invariant, string scenario, string variant)
    {
        var outcome = Check(invariant, scenario, variant);
        Assert.Null(outcome.Found?.Violation);
        Assert.Equal(MaxTests, outcome.Tests);
    }

    [Fact]
    public void Every_invariant_has_a_breaking_and_a_holding_case()
    {
        var names = Catalogue.Names.ToHashSet();
        Assert.Equal(names, Broken.Select(row => (string)row[0]).ToHashSet());
        Assert.Equal(names, Holding.Select(row => (string)row[0]).ToHashSet());
    }

    private static CheckOutcome Check(string invariant, string scenario, string variant)
    {
        var m = ScenarioFiles.Load(scenario);
        int eq = variant.IndexOf('=');
        var variants = Variants.TryWith(m.Variants, variant[..eq], variant[(eq + 1)..]).Result!;
        var inv = Catalogue.All.Single(i => i.Name == invariant);
        return Explorer.Check(m with { Variants = variants }, new CheckOptions([inv], 1, MaxTests, null, VariantMatrix.Generation));
    }
}
