using Checker.Cli.Rendering;
using Checker.Model.Scenario;

namespace Checker.Model.Tests.Import;

public class CommandTests
{
    private static readonly string D05 = ScenarioFiles.Path("hisilicon-d05-builtin");

    [Fact]
    public void Validate_agrees_with_the_group_lines_the_real_D05_printed()
    {
        var (exit, output, _) = Fixtures.Run("validate", D05, "--dmesg", Fixtures.Path("d05/dmesg.txt"));
        Assert.Equal(0, exit);
        Assert.Contains("agrees", output);
    }

    [Fact]
    public void Validate_agrees_with_the_real_D05_sysfs_groups()
    {
        Assert.Equal(0, Fixtures.Run("validate", D05, "--iommu-groups", Fixtures.Path("d05/iommu-groups.txt")).Exit);
    }

    [Fact]
    public void Validate_exits_1_on_a_wrong_groups_file_and_names_the_devices_that_differ()
    {
        var (exit, output, _) = Fixtures.Run("validate", D05, "--iommu-groups", Fixtures.Path("d05/iommu-groups-wrong.txt"));
        Assert.Equal(1, exit);
        Assert.Contains("DIFFERS from the real machine: 000a:11:00.0, 000a:11:00.1", output);
    }

    [Fact]
    public void Validate_under_per_instance_groups_differs_from_the_real_D05()
    {
        var (exit, _, _) = Fixtures.Run("validate", D05, "--dmesg", Fixtures.Path("d05/dmesg.txt"), "--variant", "groups=per-instance");
        Assert.Equal(1, exit);
    }

    [Theory]
    [InlineData("import", "--lspci-tree", "malformed/truncated-tree.txt", "truncated-tree.txt:1:")]
    [InlineData("import", "--lspci-tree", "malformed/truncated-line-tree.txt", "truncated-line-tree.txt:2:")]
    [InlineData("import", "--lspci-tree", "malformed/duplicate-bdf-tree.txt", "duplicate-bdf-tree.txt:3:")]
    [InlineData("import", "--lspci-tree", "malformed/garbage-tree.txt", "garbage-tree.txt:2:")]
    [InlineData("import", "--lspci-verbose", "malformed/bad-verbose.txt", "bad-verbose.txt:3:")]
    [InlineData("import", "--dmesg", "malformed/bad-dmesg.txt", "bad-dmesg.txt:2:")]
    [InlineData("import", "--iommu-groups", "malformed/bad-groups.txt", "bad-groups.txt:2:")]
    [InlineData("import", "--iommu-groups", "malformed/duplicate-groups.txt", "duplicate-groups.txt:2:")]
    [InlineData("validate", "--dmesg", "malformed/bad-dmesg.txt", "bad-dmesg.txt:2:")]
    [InlineData("validate", "--iommu-groups", "malformed/bad-groups.txt", "bad-groups.txt:2:")]
    public void Every_malformed_fixture_gives_exit_2_with_file_and_line(string command, string flag, string fixture, string where)
    {
        var output = Path.Combine(Path.GetTempPath(), $"checker-import-{Guid.NewGuid():N}.yaml");
        string[] args = command == "import"
            ? ["import", "--lspci-tree", Fixtures.Path("d05/lspci-tv.txt"), flag, Fixtures.Path(fixture), "-o", output]
            : ["validate", D05, flag, Fixtures.Path(fixture)];
        if (flag == "--lspci-tree")
            args = ["import", flag, Fixtures.Path(fixture), "-o", output];
        var (exit, _, err) = Fixtures.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(where, err);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Import_with_the_D05_base_writes_a_scenario_that_validates_against_the_real_machine()
    {
        var output = Path.Combine(Path.GetTempPath(), $"checker-d05-{Guid.NewGuid():N}.yaml");
        try
        {
            var (exit, _, err) = Fixtures.Run("import", "--lspci-tree", Fixtures.Path("d05/lspci-tv.txt"), "--dmesg", Fixtures.Path("d05/dmesg.txt"),
                "--iommu-groups", Fixtures.Path("d05/iommu-groups.txt"), "--firmware", "acpi", "--arch", "arm64", "--base", D05, "-o", output);
            Assert.True(exit == 0, err);
            ScenarioLoader.Load(output, File.ReadAllText(output));
            Assert.Equal(0, Fixtures.Run("validate", output, "--iommu-groups", Fixtures.Path("d05/iommu-groups.txt")).Exit);
            Assert.Equal(0, Fixtures.Run("validate", output, "--dmesg", Fixtures.Path("d05/dmesg.txt")).Exit);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Theory]
    [InlineData("deferred_probe_timeout=30 pcie_acs_override=downstream", "  deferred-probe-timeout: 30\n", "shows deferred_probe_timeout=30")]
    [InlineData("deferred_probe_timeout=-1", "  deferred-probe-timeout: 10\n", "no timeout at all is outside what a scenario can say")]
    [InlineData("deferred_probe_timeout=ten", "  deferred-probe-timeout: 10\n", "which deferred_probe_timeout_setup() cannot read")]
    public void The_command_line_of_a_dmesg_is_read_for_the_deferred_probe_timeout(string parameters, string field, string guess)
    {
        var dir = Directory.CreateTempSubdirectory("checker-cmdline-").FullName;
        try
        {
            var dmesg = Path.Combine(dir, "dmesg.txt");
            var lines = File.ReadAllLines(Fixtures.Path("d05/dmesg.txt")).ToList();
            lines.Insert(2, $"[    0.000000] Kernel command line: BOOT_IMAGE=/Image root=/dev/sda2 {parameters}");
            File.WriteAllLines(dmesg, lines);
            var output = Path.Combine(dir, "m.yaml");
            var (exit, _, err) = Fixtures.Run("import", "--lspci", Fixtures.Path("d05/lspci-tv.txt"), "--dmesg", dmesg, "-o", output);
            Assert.True(exit == 0, err);
            Assert.Contains(guess, err);
            var text = File.ReadAllText(output);
            Assert.Contains(field, text);
            var m = ScenarioLoader.Load(output, text);
            Assert.Equal(parameters.Contains("override", StringComparison.Ordinal) ? "downstream" : null, m.AcsOverride?.Text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Import_of_the_x86_switch_reads_types_ACS_and_drivers_from_lspci_vvv()
    {
        var output = Path.Combine(Path.GetTempPath(), $"checker-x86-{Guid.NewGuid():N}.yaml");
        try
        {
            var (exit, _, err) = Fixtures.Run("import", "--lspci-tree", Fixtures.Path("x86-switch/lspci-tv.txt"),
                "--lspci-verbose", Fixtures.Path("x86-switch/lspci-vvv.txt"), "--arch", "x86", "--firmware", "acpi", "-o", output);
            Assert.True(exit == 0, err);
            var m = ScenarioLoader.Load(output, File.ReadAllText(output));
            var port = m.Devices[m.DeviceIndex("0000:02:01.0")].Pci!;
            Assert.Equal(Checker.Model.State.PcieType.DownstreamPort, port.Type);
            Assert.Equal(Checker.Model.State.AcsFlags.Required, port.Acs);
            Assert.Equal(Checker.Model.State.AcsFlags.None, m.Devices[m.DeviceIndex("0000:02:02.0")].Pci!.Acs);
            Assert.Equal(Checker.Model.State.PcieType.UpstreamPort, m.Devices[m.DeviceIndex("0000:01:00.0")].Pci!.Type);
            Assert.Contains(m.DeviceIndex("0000:04:00.0"), m.Drivers[m.DriverIndex("nvme")].Matches);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Graph_of_the_shrunk_D05_counterexample_shows_the_split_against_the_partition()
    {
        var dir = Directory.CreateTempSubdirectory("checker-graph-").FullName;
        var json = Path.Combine(dir, "cex.json");
        var dot = Path.Combine(dir, "d05.dot");
        Assert.Equal(1, Fixtures.Run("check", D05, "--property", "NonAcsSiblingsShareGroup", "--seed", "1", "--json", json).Exit);
        Assert.Equal(0, Fixtures.Run("graph", "--counterexample", json, "-o", dot).Exit);
        var text = File.ReadAllText(dot);
        Assert.Contains("subgraph \"cluster_group0\"", text);
        Assert.Contains("subgraph \"cluster_group1\"", text);
        Assert.Contains("\"000a:10:00.0\" -> \"000a:11:00.1\" [style=\"dashed\", color=\"red\"", text);
        Assert.Contains("no ACS: does not isolate", text);
        if (DotInstalled())
            Assert.Contains("<svg", Graphviz.Svg(text));
    }

    [Fact]
    public void Svg_without_graphviz_is_a_clear_bad_input_error()
    {
        var e = Assert.Throws<Checker.Cli.UsageException>(() => Graphviz.Svg("digraph g {}", "/nonexistent/dot"));
        Assert.Contains("apt-get install graphviz", e.Message);
    }

    [Fact]
    public void Dot_quotes_and_escapes_names()
    {
        Assert.Equal("\"a\\\"b\\\\c\\nd\"", Dot.Quote("a\"b\\c\nd"));
    }

    private static bool DotInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(p => File.Exists(Path.Combine(p, "dot")));
}
