using Checker.Model.Import;
using Checker.Model.Scenario;
using Checker.Model.State;
using Checker.Model.Topology;
using Checker.Model.Topology.Quirks;

namespace Checker.Model.Tests.Import;

/// <summary>
/// The out-of-tree ACS override patch (`pcie_acs_override=`): a scenario field, the patch's
/// pcie_acs_overrides() as the last entry of pci_dev_acs_enabled[], and the import reading it
/// from the kernel command line a paste shows.
/// </summary>
public class AcsOverrideTests
{
    /// <summary>A root port without ACS, a switch below it (two downstream ports), a multifunction endpoint, and conventional PCI functions on the root bus.</summary>
    private static string Scenario(string? acsOverride, string extraPortFields = "") => $$"""
        kernel:
          arch: x86
        {{(acsOverride is null ? "" : $"  pcie-acs-override: \"{acsOverride}\"\n")}}
        iommus:
          - { name: dmar0 }
        host-bridges:
          - { domain: "0000", root-bus: "00", firmware: acpi, iommu: dmar0 }
        devices:
          - { name: "0000:00:01.0", bus: pci, type: root-port{{extraPortFields}} }
          - { name: "0000:00:14.0", bus: pci, type: legacy-pci, multifunction: true }
          - { name: "0000:00:14.3", bus: pci, type: legacy-pci, multifunction: true }
          - { name: "0000:01:00.0", bus: pci, parent: "0000:00:01.0", type: upstream-port }
          - { name: "0000:02:00.0", bus: pci, parent: "0000:01:00.0", type: downstream-port, vendor: "1022", device: "43ea" }
          - { name: "0000:02:01.0", bus: pci, parent: "0000:01:00.0", type: downstream-port, vendor: "1022", device: "43ea" }
          - { name: "0000:03:00.0", bus: pci, parent: "0000:02:00.0", multifunction: true }
          - { name: "0000:03:00.1", bus: pci, parent: "0000:02:00.0", multifunction: true }
          - { name: "0000:04:00.0", bus: pci, parent: "0000:02:01.0" }
        """.Replace("\n\n", "\n");

    private static List<string> Groups(Machine m) =>
        [.. CanonicalPartition.For(m).Components().Select(c => string.Join(" ", c.Select(i => m.Devices[i].Name[5..]).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void Without_the_override_a_port_without_acs_shares_everything_below_it()
    {
        var m = ScenarioLoader.Load("o.yaml", Scenario(null));
        Assert.Contains("00:01.0 01:00.0 02:00.0 02:01.0 03:00.0 03:00.1 04:00.0", Groups(m));
    }

    [Fact]
    public void Downstream_isolates_every_root_and_downstream_port_without_an_acs_capability()
    {
        var m = ScenarioLoader.Load("o.yaml", Scenario("downstream"));
        Assert.Equal(["00:01.0", "00:14.0 00:14.3", "01:00.0", "02:00.0", "02:01.0", "03:00.0 03:00.1", "04:00.0"], Groups(m));
    }

    [Fact]
    public void Multifunction_isolates_pcie_functions_of_a_slot_but_never_conventional_pci()
    {
        var m = ScenarioLoader.Load("o.yaml", Scenario("downstream,multifunction"));
        Assert.Equal(["00:01.0", "00:14.0 00:14.3", "01:00.0", "02:00.0", "02:01.0", "03:00.0", "03:00.1", "04:00.0"], Groups(m));
    }

    [Fact]
    public void An_id_isolates_only_that_device_and_a_port_with_an_acs_capability_keeps_the_standard_rules()
    {
        var byId = ScenarioLoader.Load("o.yaml", Scenario("id:1022:43ea"));
        Assert.Equal(AcsQuirkDecision.Isolates, PciQuirks.Acs(byId, byId.DeviceIndex("0000:02:01.0"), byId.Variants.Era).Decision);
        Assert.Equal(AcsQuirkDecision.NoQuirk, PciQuirks.Acs(byId, byId.DeviceIndex("0000:00:01.0"), byId.Variants.Era).Decision);
        // The root port above still lacks ACS, so pci_acs_path_enabled() fails and nothing splits.
        Assert.Contains("00:01.0 01:00.0 02:00.0 02:01.0 03:00.0 03:00.1 04:00.0", Groups(byId));
        // pcie_acs_overrides() returns -ENOTTY for a function with an ACS capability: its ACSCtl decides.
        var capable = ScenarioLoader.Load("o.yaml", Scenario("downstream", ", vendor: \"8086\", device: \"1901\", acs-capability: true"));
        Assert.Equal(AcsQuirkDecision.NoQuirk, PciQuirks.Acs(capable, capable.DeviceIndex("0000:00:01.0"), capable.Variants.Era).Decision);
        Assert.Equal(AcsQuirkDecision.Isolates, PciQuirks.Acs(capable, capable.DeviceIndex("0000:02:00.0"), capable.Variants.Era).Decision);
    }

    [Fact]
    public void An_earlier_quirk_table_entry_answers_before_the_override()
    {
        // Zhaoxin root ports not on pci_quirk_zhaoxin_pcie_ports_acs's list are refused (0), so the
        // override, the table's last entry, is never asked.
        var text = Scenario("downstream").Replace("type: root-port", "type: root-port, vendor: \"1d17\", device: \"0001\"");
        var m = ScenarioLoader.Load("o.yaml", text);
        Assert.Equal(AcsQuirkDecision.DoesNotIsolate, PciQuirks.Acs(m, m.DeviceIndex("0000:00:01.0"), KernelEra.V6_15).Decision);
    }

    [Theory]
    [InlineData("downstream,bogus", "'bogus' is not a pcie_acs_override token")]
    [InlineData("id:8086", "'id:8086' is not a pcie_acs_override token")]
    [InlineData("id:8086:zzzz", "expected downstream, multifunction or id:vvvv:dddd")]
    public void A_malformed_override_is_an_error_naming_its_line_and_field(string value, string message)
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("o.yaml", Scenario(value))).Error;
        Assert.Equal(("kernel.pcie-acs-override", 3), (error.Field, error.Line));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_override_round_trips_through_the_scenario_writer()
    {
        var m = ScenarioLoader.Load("o.yaml", Scenario("multifunction,id:10de:1b80"));
        var again = ScenarioLoader.Load("o.yaml", ScenarioWriter.Write(m));
        Assert.Equal("multifunction,id:10de:1b80", again.AcsOverride!.Text);
        Assert.Equal(Groups(m), Groups(again));
    }

    [Fact]
    public void The_import_reads_the_parameter_from_proc_cmdline_and_says_what_it_is()
    {
        var text = "$ cat /proc/cmdline\nBOOT_IMAGE=/boot/vmlinuz-5.15.0-56-generic root=UUID=1 ro quiet amd_iommu=on pcie_acs_override=downstream,multifunction,typo\n"
            + "$ lspci -nn\n00:01.0 PCI bridge [0604]: Advanced Micro Devices, Inc. [AMD] Device [1022:1453]\n"
            + "01:00.0 VGA compatible controller [0300]: Advanced Micro Devices, Inc. [AMD/ATI] Device [1002:67df]\n"
            + "01:00.1 Audio device [0403]: Advanced Micro Devices, Inc. [AMD/ATI] Device [1002:aaf0]\n";
        var dump = LspciDump.Read([("paste.txt", text)]);
        var result = MachineImporter.Import(ImportInputs.FromLspci("m", dump, null, null, null));
        var m = result.Machine;
        Assert.Equal("downstream,multifunction", m.AcsOverride!.Text);
        var guess = Assert.Single(result.Guesses, g => g.Subject == GuessSubject.AcsOverride);
        Assert.Contains("paste.txt:2 shows pcie_acs_override=downstream,multifunction", guess.Text);
        Assert.Contains("out-of-tree ACS override patch", guess.Text);
        Assert.Contains("'typo' ignored", guess.Text);
        Assert.Equal(KernelEra.V6_15, m.Variants.Era);
        Assert.Equal(["00:01.0", "01:00.0", "01:00.1"], Groups(m));
        var yaml = ScenarioWriter.Write(m, result.Guesses.ToLookup(g => g.Subject, g => g.Text));
        Assert.Contains("  # guess: paste.txt:2 shows pcie_acs_override=", yaml);
        Assert.Contains("  pcie-acs-override: \"downstream,multifunction\"", yaml);
    }

    [Fact]
    public void Markdown_prose_around_a_code_block_is_read_only_for_kernel_parameters()
    {
        var text = "- Motherboard: `Some board`\n- `pcie_acs_override=downstream` is set in `/etc/default/grub`\n```\n"
            + "00:01.0 PCI bridge [0604]: Advanced Micro Devices, Inc. [AMD] Device [1022:1453]\n```\nSome closing words.\n";
        var dump = LspciDump.Read([("notes.md", text)]);
        Assert.Single(dump.Listing!);
        var evidence = Assert.Single(dump.KernelCommandLine);
        Assert.Equal(("notes.md", 2), (evidence.File, evidence.Line));
        Assert.True(KernelCommandLine.AcsOverrideOf(dump.KernelCommandLine)!.Value.Override.Downstream);
    }
}
