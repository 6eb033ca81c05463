using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

public class BootCommandTests
{
    [Fact]
    public void D05_builtin_boot_prints_the_split_groups_and_exits_1_for_the_broken_invariant()
    {
        var r = CliRun.Run("boot", "scenarios/hisilicon-d05-builtin.yaml");
        Assert.Equal(1, r.Exit);
        Assert.Contains("] mlx5_core 000a:11:00.0: Adding to iommu group 2\n", r.Out);
        Assert.Contains("] mlx5_core 000a:11:00.1: Adding to iommu group 3\n", r.Out);
        Assert.Contains("] pcieport 000a:10:00.0: Adding to iommu group 8\n", r.Out);
        Assert.Contains("checker: violation NonAcsSiblingsShareGroup", r.Out);
    }

    [Fact]
    public void D05_per_instance_puts_the_root_port_and_all_four_Mellanox_functions_in_one_group()
    {
        var r = CliRun.Run("boot", "scenarios/hisilicon-d05-builtin.yaml", "--variant", "groups=per-instance", "--json");
        var group = r.Json.GetProperty("groups").EnumerateArray()
            .Single(g => g.GetProperty("members").EnumerateArray().Any(m => m.GetString() == "000a:10:00.0"));
        var members = group.GetProperty("members").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(["000a:10:00.0", "000a:11:00.0", "000a:11:00.1", "000a:11:00.2", "000a:11:00.3"], members);
        Assert.DoesNotContain(r.Json.GetProperty("violations").EnumerateArray(),
            v => v.GetProperty("property").GetString() == "NonAcsSiblingsShareGroup");
    }

    [Fact]
    public void D05_with_mlx5_as_a_module_groups_every_function_with_its_port()
    {
        var r = CliRun.Run("boot", "scenarios/hisilicon-d05-mlx5-module.yaml");
        Assert.Equal(0, r.Exit);
        Assert.Contains("] pcieport 000a:10:00.0: Adding to iommu group 6\n", r.Out);
        Assert.Contains("] mlx5_core 000a:11:00.3: Adding to iommu group 6\n", r.Out);
        Assert.Contains("[  100.700", r.Out);
        Assert.Contains("[  292.400", r.Out);
    }

    [Fact]
    public void Probe_deferral_basic_shows_the_deferral_and_the_later_bind_with_iommu_ops()
    {
        var r = CliRun.Run("boot", "scenarios/probe-deferral-basic.yaml");
        Assert.Equal(0, r.Exit);
        Assert.Contains("2b500000.dma    bound to pl330, probe deferred 1x then bound at", r.Out);
        Assert.Contains("iommu ops set by arch via smmu0", r.Out);
        var verbose = CliRun.Run("boot", "scenarios/probe-deferral-basic.yaml", "--verbose");
        int deferral = verbose.Out.IndexOf("platform 2b500000.dma: Driver pl330 requests probe deferral", StringComparison.Ordinal);
        int bound = verbose.Out.IndexOf("bound device 2b500000.dma to driver pl330", StringComparison.Ordinal);
        Assert.True(deferral >= 0 && bound > deferral);
    }

    [Fact]
    public void A_scenario_with_an_unknown_field_exits_2_naming_file_line_and_field()
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-unknown-field-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "kernel:\n  arch: arm64\ndevices:\n  - name: a\n    bus: platform\n    firmware: dt\n    colour: blue\n");
        try
        {
            var r = CliRun.Run("boot", path);
            Assert.Equal(2, r.Exit);
            Assert.Contains($"{path}:7:", r.Err);
            Assert.Contains("colour", r.Err);
            Assert.Equal("", r.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("scenarios/no-such-file.yaml")]
    public void A_missing_scenario_exits_2(string path)
    {
        var r = CliRun.Run("boot", path);
        Assert.Equal(2, r.Exit);
        Assert.Contains(path, r.Err);
    }

    [Theory]
    [InlineData("groups=sometimes")]
    [InlineData("colour=blue")]
    [InlineData("groups")]
    public void A_bad_variant_flag_exits_2(string variant)
    {
        var r = CliRun.Run("boot", "scenarios/probe-deferral-basic.yaml", "--variant", variant);
        Assert.Equal(2, r.Exit);
        Assert.Contains("--variant", r.Err);
    }

    [Fact]
    public void Boot_output_is_byte_identical_across_runs()
    {
        var a = CliRun.Run("boot", "scenarios/hisilicon-d05-builtin.yaml", "--json", "--verbose");
        var b = CliRun.Run("boot", "scenarios/hisilicon-d05-builtin.yaml", "--json", "--verbose");
        Assert.Equal(a.Out, b.Out);
    }
}
