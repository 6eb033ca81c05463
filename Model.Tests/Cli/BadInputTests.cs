using Checker.Model.Tests.Support;
using static Checker.Model.Tests.Scenario.ScenarioText;

namespace Checker.Model.Tests.Cli;

/// <summary>Every bad-input case of the model issue, through the command line: exit 2, file:line: field, nothing on stdout.</summary>
public class BadInputTests
{
    public static TheoryData<string, string, int, string> Cases()
    {
        string[] parentAfterChild = [.. Valid[..9], Valid[10], Valid[9], .. Valid[11..]];
        var bomb = new List<string> { "kernel: { arch: arm64 }", "bombs:", "  - &l0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i <= 7; i++)
            bomb.Add($"  - &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]");
        return new TheoryData<string, string, int, string>
        {
            { "unknown field", With(9, "  - { name: dma-dev, bus: platform, firmware: dt, iommu: smmu0, colour: blue }"), 9, "devices[1].colour" },
            { "wrong type", With(9, "  - { name: dma-dev, bus: platform, firmware: dt, iommu: smmu0, coherent: maybe }"), 9, "devices[1].coherent" },
            { "duplicate dev_name", With(9, "  - { name: smmu-dev, bus: platform, firmware: dt }"), 9, "devices[1].name" },
            { "malformed PCI name", With(10, "  - { name: \"0000:0:00.0\", bus: pci, type: root-port }"), 10, "devices[2].name" },
            { "parent that does not exist", With(11, "  - { name: \"0000:01:00.0\", bus: pci, parent: \"0000:00:01.0\", multifunction: true }"), 11, "devices[3].parent" },
            { "parent after its child", Join(parentAfterChild), 10, "devices[2].parent" },
            { "cycle", With(10, "  - { name: \"0000:00:00.0\", bus: pci, type: root-port, parent: \"0000:01:00.0\" }"), 10, "devices[2].parent" },
            { "VF without a PF", With(12, "  - { name: \"0000:01:00.1\", bus: pci, parent: \"0000:00:00.0\", physfn: \"0000:01:00.7\", present: false }"), 12, "devices[4].physfn" },
            { "driver matching a device that does not exist", With(15, "  - { name: pl330, bus: platform, matches: [no-such-dev] }"), 15, "drivers[1].matches[0]" },
            { "unknown variant value", Inserting(3, "  variants: { groups: walk-sideways }"), 3, "kernel.variants.groups" },
            { "script naming an unknown device", With(20, "  - { do: unbind, dev: no-such-dev }"), 20, "script[1].dev" },
            { "script naming an unknown driver", With(20, "  - { at: 10, do: modprobe, driver: no-such-driver }"), 20, "script[1].driver" },
            { "absurd size", With(4, "  - { name: smmu0, device: smmu-dev, driver: arm-smmu, contexts: 99999999 }"), 4, "iommus[0].contexts" },
            { "aliases beyond the limit", Join(bomb), 9, "(document)" },
            { "empty file", "", 1, "(document)" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_scenario_exits_2_naming_file_line_and_field(string what, string text, int line, string field)
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        try
        {
            foreach (var command in new[] { "boot", "check" })
            {
                var r = CliRun.Run(command, path);
                Assert.True(r.Exit == 2, $"{what}: {command} exited {r.Exit}: {r.Err}");
                Assert.Contains($"{path}:{line}: {field}:", r.Err);
                Assert.Equal("", r.Out);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_json_file_is_not_written_when_the_input_is_bad()
    {
        var json = Path.Combine(Path.GetTempPath(), $"checker-bad-{Guid.NewGuid():N}.json");
        var r = CliRun.Run("check", "scenarios/no-such-file.yaml", "--json", json);
        Assert.Equal(2, r.Exit);
        Assert.False(File.Exists(json));
    }
}
