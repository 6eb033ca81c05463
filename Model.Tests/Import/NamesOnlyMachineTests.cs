using System.Text.RegularExpressions;

namespace Checker.Model.Tests.Import;

/// <summary>
/// The validation set again, each listing turned into what lspci prints without -nn (names only:
/// `[cccc]` class codes and `[vvvv:dddd]` IDs gone, an unnamed device as `Device dddd`), and
/// imported with no pci.ids of the system's own: the names must map back through the bundled
/// subset (with the names its devices had in earlier pci.ids versions, since each listing printed
/// the names of its own machine's pci.ids) to the machine's documented groups.
/// </summary>
public partial class NamesOnlyMachineTests
{
    private static readonly string Root = Fixtures.Path("machines");

    public static IEnumerable<object[]> Machines() => MachineSetTests.Machines();

    [Theory]
    [MemberData(nameof(Machines))]
    public void Without_ids_the_machine_boots_into_the_same_documented_groups(string machine)
    {
        var dir = Path.Combine(Root, machine);
        var listing = File.ReadAllText(Path.Combine(dir, "lspci.txt"));
        var namesOnly = NamesOnly(listing);
        if (namesOnly == listing)
            return; // a listing without -nn already (the D05's lspci -tv)
        var input = Path.Combine(Path.GetTempPath(), $"checker-names-{Guid.NewGuid():N}.txt");
        var output = Path.ChangeExtension(input, ".yaml");
        try
        {
            File.WriteAllText(input, namesOnly);
            var (exit, _, err) = Fixtures.Run("import", "--lspci", input, "-o", output);
            Assert.True(exit == 0, err);
            var (bootExit, json, bootErr) = Fixtures.Run("boot", output, "--json");
            Assert.True(bootExit is 0 or 1, bootErr);
            var groupsFile = File.Exists(Path.Combine(dir, "groups.txt")) ? "groups.txt" : "lspci.txt";
            var real = MachineSetTests.RealGroups(File.ReadAllText(Path.Combine(dir, groupsFile)));
            // A listing whose names pci.ids gives to two chips that nothing in the listing tells apart
            // cannot be read back exactly: expected-names-only.txt then holds the
            // documented difference of the names-only run.
            var namesOnlyFile = Path.Combine(dir, "expected-names-only.txt");
            var expected = File.ReadAllText(File.Exists(namesOnlyFile) ? namesOnlyFile : Path.Combine(dir, "expected.txt")).ReplaceLineEndings("\n").Trim();
            var actual = MachineSetTests.Difference(MachineSetTests.ModelGroups(json), real);
            Assert.True(expected == actual, $"expected:\n{expected}\nactual:\n{actual}");
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact]
    public void The_names_only_form_is_what_lspci_prints_without_nn()
    {
        Assert.Equal("00:01.1 PCI bridge: Advanced Micro Devices, Inc. [AMD] Device 15d3",
            NamesOnly("00:01.1 PCI bridge [0604]: Advanced Micro Devices, Inc. [AMD] Device [1022:15d3]"));
        Assert.Equal("00:1c.0 PCI bridge: Intel Corporation 200 Series PCH PCI Express Root Port #1 (rev f0)",
            NamesOnly("00:1c.0 PCI bridge [0604]: Intel Corporation 200 Series PCH PCI Express Root Port #1 [8086:a290] (rev f0)"));
        Assert.Equal("\tSubsystem: Dell Device 0869", NamesOnly("\tSubsystem: Dell Device [1028:0869]"));
        Assert.Equal("01:00.0 Non-Volatile memory controller: Device 1cc1:5350", NamesOnly("01:00.0 Non-Volatile memory controller [0108]: Device [1cc1:5350]"));
    }

    /// <summary>What lspci prints for the same functions without -nn.</summary>
    private static string NamesOnly(string text)
    {
        text = UnknownVendor().Replace(text, ": Device $1:$2");
        text = UnnamedDevice().Replace(text, " Device $1");
        text = Ids().Replace(text, "");
        return ClassCode().Replace(text, ":");
    }

    [GeneratedRegex(@": Device \[([0-9a-f]{4}):([0-9a-f]{4})\]")]
    private static partial Regex UnknownVendor();

    [GeneratedRegex(@" Device \[[0-9a-f]{4}:([0-9a-f]{4})\]")]
    private static partial Regex UnnamedDevice();

    [GeneratedRegex(@" \[[0-9a-f]{4}:[0-9a-f]{4}\]")]
    private static partial Regex Ids();

    [GeneratedRegex(@" \[[0-9a-f]{4}\]:")]
    private static partial Regex ClassCode();
}
