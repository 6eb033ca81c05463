using Checker.Model.Scenario;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

public class InitCommandTests
{
    [Theory]
    [InlineData("arm64")]
    [InlineData("x86")]
    public void Init_writes_a_commented_scenario_that_loads_boots_cleanly_and_checks(string arch)
    {
        var dir = Directory.CreateTempSubdirectory("checker-init-");
        try
        {
            var path = Path.Combine(dir.FullName, "board.yaml");
            var r = CliRun.Run("init", "--arch", arch, "-o", path);
            Assert.Equal(0, r.Exit);
            var text = File.ReadAllText(path);
            Assert.StartsWith("# ", text, StringComparison.Ordinal);
            Assert.Contains("docs/scenario-format.md", text, StringComparison.Ordinal);
            var machine = ScenarioLoader.Load(path, text);
            Assert.Equal(arch, machine.Arch.ToString().ToLowerInvariant());
            Assert.NotEmpty(machine.Devices);
            Assert.NotEmpty(machine.Script);

            var boot = CliRun.Run("boot", path);
            Assert.Equal(0, boot.Exit);
            Assert.Contains("Adding to iommu group", boot.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("violation", boot.Out, StringComparison.Ordinal);

            var check = CliRun.Run("check", path, "--max-tests", "20", "--json", "-");
            Assert.Contains(check.Exit, new[] { 0, 1 });
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Init_does_not_overwrite_an_existing_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "mine\n");
            var r = CliRun.Run("init", "--arch", "x86", "-o", path);
            Assert.Equal(2, r.Exit);
            Assert.Contains("already exists", r.Err, StringComparison.Ordinal);
            Assert.Equal("mine\n", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Init_with_an_unknown_arch_is_bad_input_and_writes_nothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-init-{Guid.NewGuid():N}.yaml");
        var r = CliRun.Run("init", "--arch", "riscv", "-o", path);
        Assert.Equal(2, r.Exit);
        Assert.False(File.Exists(path));
    }
}
