using System.Diagnostics;
using System.Text;
using Checker.Model.Import;
using Checker.Model.State;

namespace Checker.Model.Tests.Import;

[Collection(nameof(TimingCollection))]
public class LspciTreeTests
{
    private static (string Name, string? Parent, PcieType Type, bool Multifunction, string? PhysFn, bool Present) Topology(Machine m, DeviceSpec d) =>
        (d.Name, d.Pci!.ParentBridge is int p ? m.Devices[p].Name : null, d.Pci.Type, d.Pci.Multifunction,
         d.Pci.PhysFn is int pf ? m.Devices[pf].Name : null, d.PresentAtBoot);

    private static Machine ImportTree(string file, string text, Arch arch = Arch.Arm64) =>
        MachineImporter.Import(new ImportInputs("t", arch, Firmware.Acpi, LspciTree.Parse(file, text), null, null, null, null)).Machine;

    [Fact]
    public void The_D05_tree_of_the_thread_imports_to_the_PCI_topology_of_the_D05_scenario()
    {
        var imported = ImportTree("lspci-tv.txt", Fixtures.Text("d05/lspci-tv.txt"));
        var scenario = ScenarioFiles.Load("hisilicon-d05-builtin");
        Assert.Equal(
            scenario.Devices.Where(d => d.Pci is not null).Select(d => Topology(scenario, d)),
            imported.Devices.Where(d => d.Pci is not null).Select(d => Topology(imported, d)));
        Assert.Equal(scenario.HostBridges.Select(h => (h.Domain, h.RootBus, h.Firmware)), imported.HostBridges.Select(h => (h.Domain, h.RootBus, h.Firmware)));
    }

    [Fact]
    public void Windows_line_endings_give_the_same_tree()
    {
        var text = Fixtures.Text("d05/lspci-tv.txt");
        Assert.Equal(LspciTree.Parse("a", text).Devices.Select(d => (d.Address, d.Parent, d.Description)),
            LspciTree.Parse("a", text.ReplaceLineEndings("\r\n")).Devices.Select(d => (d.Address, d.Parent, d.Description)));
    }

    [Fact]
    public void A_switch_below_a_root_port_is_read_with_its_bus_numbers()
    {
        var tree = LspciTree.Parse("t", Fixtures.Text("x86-switch/lspci-tv.txt"));
        var nvme = tree.Devices.Single(d => d.Address.ToString() == "0000:04:00.1");
        Assert.Equal("0000:02:02.0", nvme.Parent.ToString());
        Assert.Equal("Device 144d:a809", nvme.Description);
        Assert.Equal(10, tree.Devices.Length);
    }

    [Theory]
    [InlineData("truncated-tree.txt", 1, "never ends")]
    [InlineData("truncated-line-tree.txt", 2, "unterminated bus range")]
    [InlineData("duplicate-bdf-tree.txt", 3, "duplicate device 0000:00:00.0")]
    [InlineData("garbage-tree.txt", 2, "unexpected")]
    public void Malformed_trees_are_reported_with_their_line(string file, int line, string message)
    {
        var e = Assert.Throws<ImportException>(() => LspciTree.Parse(file, Fixtures.Text("malformed/" + file)));
        Assert.Equal(line, e.Line);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_ten_thousand_device_tree_imports_and_loads_back()
    {
        // The speed figure (under 2 s) is measured from the command line in docs/PERFORMANCE.md, not here.
        var m = ImportTree("big.txt", LargeTree(10_000), Arch.X86);
        var yaml = Checker.Model.Scenario.ScenarioWriter.Write(m);
        Assert.Equal(10_000, Checker.Model.Scenario.ScenarioLoader.Load("big.yaml", yaml).Devices.Length);
        Assert.Equal(10_000, m.Devices.Length);
    }

    /// <summary>COUNT functions: root ports on bus 00 of domains 0000.., each with one endpoint of 8 functions below, in lspci -tv form.</summary>
    public static string LargeTree(int count)
    {
        var b = new StringBuilder();
        int perDomain = 32 * 9;
        int domains = (count + perDomain - 1) / perDomain;
        int left = count;
        for (int dom = 0; dom < domains; dom++)
        {
            string lead = domains == 1 ? "-" : dom == 0 ? "-+-" : dom == domains - 1 ? " \\-" : " +-";
            string pipe = domains == 1 ? "" : dom == domains - 1 ? "  " : " |";
            int ports = Math.Min(32, (left + 8) / 9);
            var hb = $"[{dom:x4}:00]-";
            for (int port = 0; port < ports; port++)
            {
                int funcs = Math.Min(8, left - 1);
                left -= 1 + funcs;
                string head = port == 0 ? lead + hb : pipe + new string(' ', hb.Length + 1);
                string branch = ports == 1 ? "-" : port == 0 ? "+-" : port == ports - 1 ? "\\-" : "+-";
                var bridge = $"{branch}{port:x2}.0-[{port + 1:x2}]--";
                if (funcs == 0)
                {
                    b.Append(head).Append(bridge).Append('\n');
                    continue;
                }
                string cont = (port == ports - 1 ? " " : "|").PadRight(bridge.Length);
                for (int f = 0; f < funcs; f++)
                {
                    string fb = funcs == 1 ? "--" : f == 0 ? "+-" : f == funcs - 1 ? "\\-" : "+-";
                    string prefix = f == 0 ? head + bridge : pipe + new string(' ', hb.Length + 1) + cont;
                    b.Append(prefix).Append(fb).Append($"00.{f}  Device 1234:{f:x4}\n");
                }
            }
        }
        return b.ToString();
    }
}

/// <summary>Timing tests run alone, not next to other test classes competing for the two cores.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;
