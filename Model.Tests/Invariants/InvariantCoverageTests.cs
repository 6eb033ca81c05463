using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;
using Checker.Properties.Matrix;

namespace Checker.Model.Tests.Invariants;

/// <summary>
/// Every invariant of docs/semantics.md, "Invariants" is broken somewhere and holds somewhere: a property that
/// never fails is not checked, one that always fails says nothing. Each row of <see cref="Table"/>
/// is an invariant, a scenario of scenarios/, the variant that has the bug the invariant names and
/// the variant with the fix; docs/bugs.md reasons out why it breaks or holds. The orderings are the
/// matrix's (IOMMU devices are not unbound or hot-removed), a few hundred at most, seed 1.
/// GroupedByOwnIommu and DmaConfigureBalanced have no row: no variant of the spec, in either era,
/// carries the bug either names (<see cref="NoVariantHasTheBug"/> says why); their only failures
/// were modelling artifacts (<see cref="FormerArtifacts"/>), and InvariantCatchTests shows each
/// catching a hand-made bad step instead.
/// </summary>
public class InvariantCoverageTests
{
    private const int MaxTests = 300;

    /// <summary>
    /// (invariant, scenario and variant with the bug, scenario and variant with the fix); a variant
    /// is `key=value` pairs joined by ',', `kernel=V` for an era. The fix is on the same scenario
    /// unless the bug is the machine's own (a modular IOMMU on ACPI: IS_BUILTIN gives up at once).
    /// </summary>
    public static readonly (string Invariant, string Scenario, string Bug, string FixScenario, string Fix)[] Table =
    [
        (nameof(GroupInvariants.NonAcsSiblingsShareGroup), "hisilicon-d05-builtin", "groups=probe-time", "hisilicon-d05-builtin", "groups=per-instance"),
        (nameof(GroupInvariants.NonAcsSiblingsShareGroup), "hisilicon-d05-builtin", "groups=probe-time", "hisilicon-d05-builtin", "groups=parent-link"),
        (nameof(GroupInvariants.NonAcsSiblingsShareGroup), "hisilicon-d05-builtin", "groups=probe-time", "hisilicon-d05-builtin", "groups=defer-to-parent"),
        (nameof(GroupInvariants.IsolatedDevicesDoNotShareGroup), "pcie-switch-acs", "groups=walk-down", "pcie-switch-acs", "groups=probe-time"),
        (nameof(DmaOpsInvariants.TeardownRestoresDmaOps), "arm32-ipmmu-teardown", "teardown=clear-always", "arm32-ipmmu-teardown", "teardown=clear-owned"),
        (nameof(DmaOpsInvariants.NoStaleDmaOps), "arm32-ipmmu-teardown", "teardown=keep", "arm32-ipmmu-teardown", "teardown=clear-owned"),
        (nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "fw-devlink-supplier-missing", "fw-devlink=on", "fw-devlink-supplier-missing", "fw-devlink=off"),
        (nameof(DmaOpsInvariants.NoDmaBypass), "modular-smmu-acpi", "groups=probe-time", "hisilicon-d05-builtin", "groups=probe-time"),
        (nameof(DmaOpsInvariants.FallbackKeepsCoherency), "smmu-context-exhaustion", "fallback=default-ops", "smmu-context-exhaustion", "fallback=keep-coherent"),
        (nameof(DmaOpsInvariants.CoherentMaskCoversRange), "coherent-mask-overflow", "mask=mask-plus-one", "coherent-mask-overflow", "mask=mask-max"),
        (nameof(LifecycleInvariants.IommuReloadIsClean), "virtio-iommu-reload", "unload=unguarded", "virtio-iommu-reload", "unload=module-ref"),
        (nameof(GroupInvariants.GroupBookkeepingConsistent), "virtio-iommu-reload", "unload=unguarded", "virtio-iommu-reload", "unload=module-ref"),
    ];

    /// <summary>
    /// The invariants no variant of the spec (docs/semantics.md, "Policy variants"), in either era, breaks on
    /// a bundled scenario, and why the kernel code behind every variant keeps them. They are not
    /// in <see cref="Table"/>: nothing here pretends a variant catches them.
    /// </summary>
    public static readonly (string Invariant, string Why)[] NoVariantHasTheBug =
    [
        (nameof(GroupInvariants.GroupedByOwnIommu),
            "every grouping path groups a device only for the instance its own fwspec names: probe-time through the device's " +
            "dma_configure (of_iommu_configure(), iort_iommu_configure()), bus-replay through arm_smmu_add_device()'s " +
            "`fwspec->ops == &arm_smmu_ops` and arm_smmu_get_by_fwnode() checks (v5.3), per-instance and x86 through " +
            "__iommu_probe_device(), which takes the ops from the device's fwspec (drivers/iommu/iommu.c v6.15)"),
        (nameof(DmaOpsInvariants.DmaConfigureBalanced),
            "really_probe() configures once per probe and __device_release_driver() (or the probe's own failure path) " +
            "tears down once (drivers/base/dd.c v5.3, v6.15), and v6.15's bus_iommu_probe() never replays dma_configure " +
            "for a bound device; the double call the V10 probe-deferral cover letter fixed (\"dma_configure getting called " +
            "more than once for the same device\", v4.12-rc) predates both eras and is no variant"),
    ];

    public static TheoryData<string, string, string> Broken => Rows(Table.Select(r => (r.Invariant, r.Scenario, r.Bug)));

    public static TheoryData<string, string, string> Holding => Rows(Table.Select(r => (r.Invariant, r.FixScenario, r.Fix)));

    private static TheoryData<string, string, string> Rows(IEnumerable<(string, string, string)> rows)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (a, b, c) in rows.Distinct())
            data.Add(a, b, c);
        return data;
    }

    /// <summary>Cells that used to fail only through a modelling artifact (docs/bugs.md) and must hold now.</summary>
    public static TheoryData<string, string, string> FormerArtifacts => new()
    {
        // bus-replay offered devices the real add_device callback refuses (no fwspec ops, another instance).
        { nameof(GroupInvariants.GroupedByOwnIommu), "fw-devlink-supplier-missing", "groups=bus-replay" },
        // per-instance on v5.3's kept empty fwspec grouped masters bound on direct ops.
        { nameof(DmaOpsInvariants.DmaConfigureBalanced), "modular-smmu-dt", "groups=per-instance" },
        // An unbind before late_initcall, when no userspace exists, kept the child of the port waiting.
        { nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "hisilicon-d05-builtin", "groups=parent-link" },
        { nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "hisilicon-d05-builtin", "groups=defer-to-parent" },
        // A master waiting for a module nobody loaded yet is no failure to bind.
        { nameof(LifecycleInvariants.EveryMatchedDeviceBinds), "virtio-iommu-reload", "unload=unguarded" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Exploration_breaks_the_invariant_under_the_variant_with_the_bug(string invariant, string scenario, string variant)
    {
        var found = Check(invariant, scenario, variant).Found;
        Assert.NotNull(found);
        Assert.Equal(invariant, found!.Violation.Property);
        var (shrunk, _) = found.Shrink(Catalogue.All.Single(i => i.Name == invariant));
        Assert.NotNull(Counterexample.Replay(shrunk.Machine, shrunk.Events, Catalogue.All.Single(i => i.Name == invariant)));
    }

    [Theory]
    [MemberData(nameof(Holding))]
    [MemberData(nameof(FormerArtifacts))]
    public void Exploration_finds_the_invariant_holding_under_the_fix(string invariant, string scenario, string variant)
    {
        var outcome = Check(invariant, scenario, variant);
        Assert.Null(outcome.Found?.Violation);
        Assert.Equal(MaxTests, outcome.Tests);
    }

    [Fact]
    public void Every_invariant_breaks_somewhere_and_holds_somewhere()
    {
        var names = Catalogue.Names.ToHashSet();
        var caught = Table.Select(r => r.Invariant).Concat(InvariantCatchTests.Caught).ToHashSet();
        Assert.Equal(names, caught);
        Assert.Equal(names, Table.Select(r => r.Invariant).Concat(FormerArtifacts.Select(r => (string)r[0])).ToHashSet());
    }

    [Fact]
    public void The_invariants_no_variant_breaks_are_named_with_why_and_caught_on_hand_made_traces()
    {
        var none = NoVariantHasTheBug.Select(r => r.Invariant).ToHashSet();
        Assert.Equal(none, InvariantCatchTests.Caught.ToHashSet());
        Assert.DoesNotContain(Table, r => none.Contains(r.Invariant));
    }

    public static TheoryData<string> Scenarios => [.. ScenarioFiles.All()];

    /// <summary>
    /// Every row the matrix makes of a bundled scenario, in both eras, with fault injections and with
    /// unguarded unloading: neither GroupedByOwnIommu nor DmaConfigureBalanced breaks (50 orderings a row).
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void No_variant_of_either_era_breaks_GroupedByOwnIommu_or_DmaConfigureBalanced_even_with_faults(string scenario)
    {
        var invariants = Catalogue.Select([.. NoVariantHasTheBug.Select(r => r.Invariant)]).Selected;
        var gen = VariantMatrix.Generation.WithFaults();
        foreach (var (_, era) in KernelEras.All)
        {
            var m = ScenarioFiles.Load(scenario);
            m = m with { Variants = Variants.TryWith(m.Variants.WithEra(era), "unload", "unguarded").Result! };
            foreach (var row in VariantMatrix.Rows(m, allVariants: false))
            {
                var outcome = Explorer.Check(m with { Variants = row.Variants }, new CheckOptions(invariants, 1, 50, null, gen));
                Assert.True(outcome.Found is null, $"{scenario} {era} {row.Label}: {outcome.Found?.Violation}");
            }
        }
    }

    /// <summary>No bundled scenario fails GroupedByOwnIommu or DmaConfigureBalanced through bus-replay or per-instance.</summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Bus_replay_and_per_instance_never_group_by_a_foreign_IOMMU_nor_configure_twice(string scenario)
    {
        var m = ScenarioFiles.Load(scenario);
        var invariants = Catalogue.Select([nameof(GroupInvariants.GroupedByOwnIommu), nameof(DmaOpsInvariants.DmaConfigureBalanced)]).Selected;
        foreach (var groups in new[] { "bus-replay", "per-instance" })
        {
            var v = Variants.TryWith(m.Variants, "groups", groups).Result!;
            var outcome = Explorer.Check(m with { Variants = v }, new CheckOptions(invariants, 1, 100, null, VariantMatrix.Generation));
            Assert.True(outcome.Found is null, $"{scenario} groups={groups}: {outcome.Found?.Violation}");
        }
    }

    private static CheckOutcome Check(string invariant, string scenario, string variant)
    {
        var m = ScenarioFiles.Load(scenario);
        var variants = m.Variants;
        foreach (var pair in variant.Split(','))
        {
            int eq = pair.IndexOf('=');
            variants = pair[..eq] == "kernel"
                ? variants.WithEra(KernelEras.Parse(pair[(eq + 1)..])!.Value)
                : Variants.TryWith(variants, pair[..eq], pair[(eq + 1)..]).Result!;
        }
        var inv = Catalogue.All.Single(i => i.Name == invariant);
        return Explorer.Check(m with { Variants = variants }, new CheckOptions([inv], 1, MaxTests, null, VariantMatrix.Generation));
    }
}
