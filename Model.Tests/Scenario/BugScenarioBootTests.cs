using Checker.Model.Events;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Scenario;

/// <summary>
/// What `checker boot` reports for each bug scenario's own script (its default variants): the
/// violations, each as "event: property [devices]". The expectations are the ones each file's
/// header reasons out from the kernel (and docs/bugs.md); they were written before running.
/// </summary>
public class BugScenarioBootTests
{
    public static TheoryData<string, string[]> Expected => new()
    {
        { "arm32-ipmmu-teardown", [
            // pl330's first probe defers on the clock controller: keep leaves arch ops behind ...
            "register pl330: TeardownRestoresDmaOps [2b500000.dma]",
            // ... and late_initcall's reprobe keeps them (arch_setup_dma_ops returns early) on a released mapping.
            "late-initcall: NoStaleDmaOps [2b500000.dma]"] },
        { "smmu-context-exhaustion", [] },
        { "coherent-mask-overflow", ["register dw-edma: CoherentMaskCoversRange [8000000.pcie-dma]"] },
        // Every master that fell back to direct ops is reported, not only the first.
        { "modular-smmu-acpi", ["modprobe arm-smmu-v3: NoDmaBypass [HISI0162:01, 0000:00:00.0, 0000:01:00.0]"] },
        { "modular-smmu-dt", ["modprobe arm-smmu: NoDmaBypass [2b500000.dma, 2b600000.gpu]"] },
        { "fw-devlink-supplier-missing", [] },
        { "virtio-iommu-reload", [
            // defer-forever: until the module loads the masters wait, which is no failure to bind
            // (they wait for a module not loaded yet); both masters are stale after the rmmod.
            "rmmod virtio_iommu: NoStaleDmaOps [a0000000.ethernet, a0010000.sata, 0000:00:01.0]",
            "modprobe virtio_iommu: IommuReloadIsClean [a0000000.ethernet, a0010000.sata, 0000:00:01.0]"] },
        { "pcie-switch-acs", [
            // The D05 bug on a switch: the mlx5 functions are grouped before their non-ACS port.
            "register mlx5_core: NonAcsSiblingsShareGroup [0000:04:00.0, 0000:04:00.1]",
            // The two conventional devices behind the driverless PCIe-to-PCI bridge: the bridge is
            // never grouped, so each finds no group through it and gets its own.
            "register parport_pc: NonAcsSiblingsShareGroup [0000:04:00.0, 0000:04:00.1, 0000:06:00.0, 0000:06:01.0]",
            "late-initcall: NonAcsSiblingsShareGroup [0000:02:01.0, 0000:04:00.0, 0000:04:00.1, 0000:06:00.0, 0000:06:01.0]"] },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void The_script_gives_the_violations_the_header_predicts(string scenario, string[] expected)
    {
        var m = ScenarioFiles.Load(scenario);
        var run = Runner.RunScript(m, Catalogue.All);
        var actual = run.Violations.Select(v =>
            $"{EventText.Format(m, run.Events[v.Step].Event)}: {v.Violation.Property} [{string.Join(", ", v.Violation.Devices)}]");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Virtio_iommu_reload_is_clean_when_grouped_masters_hold_the_module()
    {
        var m = ScenarioFiles.Load("virtio-iommu-reload");
        m = m with { Variants = m.Variants with { Unload = Checker.Model.State.UnloadVariant.ModuleRef } };
        var run = Runner.RunScript(m, Catalogue.All);
        Assert.Empty(run.Violations);
        Assert.Contains(run.Final.Log, l => l.Text == "checker: rmmod virtio_iommu: in use");
    }

    [Fact]
    public void Arm32_clear_owned_boots_clean_and_clear_always_breaks_the_ipmmu_master()
    {
        var m = ScenarioFiles.Load("arm32-ipmmu-teardown");
        var owned = Runner.RunScript(m with { Variants = m.Variants with { Teardown = Checker.Model.State.TeardownVariant.ClearOwned } }, Catalogue.All);
        Assert.Empty(owned.Violations);
        var always = Runner.RunScript(m with { Variants = m.Variants with { Teardown = Checker.Model.State.TeardownVariant.ClearAlways } }, Catalogue.All);
        Assert.Equal([(nameof(DmaOpsInvariants.TeardownRestoresDmaOps), "fe930000.vsp")],
            always.Violations.Select(v => (v.Violation.Property, v.Violation.Devices.Single())));
    }
}
