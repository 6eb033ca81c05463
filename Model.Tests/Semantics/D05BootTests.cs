using System.Collections.Immutable;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Semantics;

public class D05BootTests
{
    private static List<string> GroupLines(Machine m) =>
        Runner.RunScript(m, Catalogue.All).Final.Log
            .Where(l => l.Level == LogLevel.Info && l.Text.Contains("iommu group"))
            .Select(l => l.Text).ToList();

    [Fact]
    public void Builtin_mlx5_splits_the_PFs_from_their_root_port_as_on_the_real_board()
    {
        Assert.Equal(
        [
            "hisi_sas_v2_hw HISI0162:01: Adding to iommu group 0",
            "hns_dsaf HISI00B2:00: Adding to iommu group 1",
            "mlx5_core 000a:11:00.0: Adding to iommu group 2",
            "mlx5_core 000a:11:00.1: Adding to iommu group 3",
            "ehci-platform PNP0D20:00: Adding to iommu group 4",
            "pcieport 0002:f8:00.0: Adding to iommu group 5",
            "pcieport 0004:88:00.0: Adding to iommu group 6",
            "pcieport 0005:78:00.0: Adding to iommu group 7",
            "pcieport 000a:10:00.0: Adding to iommu group 8",
            "pcieport 000c:20:00.0: Adding to iommu group 9",
            "pcieport 000d:30:00.0: Adding to iommu group 10",
            "serial 0002:f9:00.0: Adding to iommu group 5",
            "serial 0002:f9:00.1: Adding to iommu group 5",
            "mlx5_core 000a:11:00.2: Adding to iommu group 8",
            "mlx5_core 000a:11:00.3: Adding to iommu group 8",
        ], GroupLines(D05.Builtin()));
    }

    [Fact]
    public void Modular_mlx5_loaded_after_boot_joins_the_root_port_group()
    {
        var lines = GroupLines(D05.Mlx5Module());
        Assert.Equal("ehci-platform PNP0D20:00: Adding to iommu group 2", lines[2]);
        Assert.Equal("pcieport 000a:10:00.0: Adding to iommu group 6", lines[6]);
        Assert.Equal(
        [
            "mlx5_core 000a:11:00.0: Adding to iommu group 6",
            "mlx5_core 000a:11:00.1: Adding to iommu group 6",
            "mlx5_core 000a:11:00.2: Adding to iommu group 6",
            "mlx5_core 000a:11:00.3: Adding to iommu group 6",
        ], lines[^4..]);
    }

    [Fact]
    public void Builtin_boot_breaks_NonAcsSiblingsShareGroup_and_nothing_else()
    {
        var result = Runner.RunScript(D05.Builtin(), Catalogue.All);
        Assert.Equal(["NonAcsSiblingsShareGroup"], result.Violations.Select(v => v.Violation.Property).Distinct());
    }

    [Fact]
    public void Per_instance_groups_put_the_root_port_and_all_four_functions_together()
    {
        var m = D05.Builder().Variant("groups", "per-instance").Build();
        var result = Runner.RunScript(m, Catalogue.All);
        var w = result.Final;
        int group = w.Devices[m.DeviceIndex("000a:10:00.0")].Group;
        Assert.NotEqual(DeviceState.NoGroup, group);
        foreach (var f in new[] { "000a:11:00.0", "000a:11:00.1", "000a:11:00.2", "000a:11:00.3" })
            Assert.Equal(group, w.Devices[m.DeviceIndex(f)].Group);
        Assert.Empty(result.Violations.Where(v => v.Violation.Property == "NonAcsSiblingsShareGroup"));
    }
}
