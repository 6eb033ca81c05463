using Checker.Model.Scenario;
using Checker.Model.State;
using Checker.Model.Topology;
using Checker.Model.Topology.Quirks;

namespace Checker.Model.Tests.Topology;

/// <summary>
/// The kernel's ACS and DMA-alias quirks (drivers/pci/quirks.c) as data: the table reads, every
/// function has its rule, and the rules change the canonical partition the way
/// pci_dev_specific_acs_enabled() and the alias fixups change pci_device_group()'s search, by era.
/// </summary>
public class QuirkTableTests
{
    /// <summary>An x86 machine: one IOMMU for domain 0000, the given PCI lines under `devices:`.</summary>
    private static Machine Load(string version, string arch, params string[] pci) => ScenarioLoader.Load("quirks.yaml", $$"""
        kernel:
          arch: {{arch}}
          version: "{{version}}"
        iommus:
          - { name: dmar0 }
        host-bridges:
          - { domain: "0000", root-bus: "00", firmware: acpi, iommu: dmar0 }
        devices:
        {{string.Join("\n", pci.Select(p => "  - " + p))}}
        """.Replace("iommus:\n  - { name: dmar0 }", arch == "x86" ? "iommus:\n  - { name: dmar0 }" : "iommus:\n  - { name: smmu0, device: smmu, driver: arm-smmu-v3 }")
        .Replace("iommu: dmar0", arch == "x86" ? "iommu: dmar0" : "iommu: smmu0")
        .Replace("devices:\n", arch == "x86" ? "devices:\n" : "devices:\n  - { name: smmu, bus: platform, firmware: acpi }\n")
        + (arch == "x86" ? "" : "\ndrivers:\n  - { name: arm-smmu-v3, bus: platform, matches: [smmu] }\n"));

    private static string[][] Groups(Machine m) =>
        [.. CanonicalPartition.For(m).Components().Select(c => c.Select(d => m.Devices[d].Name).ToArray())
            .Where(c => c.All(n => n.StartsWith("0000:", StringComparison.Ordinal)))];

    [Fact]
    public void Every_row_reads_and_every_function_has_a_rule()
    {
        Assert.True(PciQuirks.Rows.Length > 150);
        Assert.Contains(PciQuirks.Rows, r => r.Function == "pci_quirk_rciep_acs" && r.Since == new KernelVersion(5, 8));
        foreach (var row in PciQuirks.Rows)
        {
            // A device that matches the row's key, of every type: the rule must answer without throwing.
            int device = row.Device ?? IdList.Parse(row.Ids).Select(r => r.Lo).DefaultIfEmpty(0).First();
            foreach (var type in new[] { "root-port", "endpoint", "rc-integrated-endpoint", "downstream-port" })
            {
                var m = Load("6.15", "x86",
                    $$"""{ name: "0000:00:00.0", bus: pci, type: {{type}}, multifunction: true, vendor: "{{row.Vendor:x4}}", device: "{{device:x4}}", acs-capability: true }""",
                    """{ name: "0000:00:00.1", bus: pci, type: endpoint, multifunction: true }""");
                _ = PciQuirks.Acs(m, 0, KernelEra.V6_15);
                _ = PciQuirks.DmaAliases(m, 0, KernelEra.V6_15);
            }
        }
    }

    [Fact]
    public void A_malformed_row_names_its_line()
    {
        var e = Assert.Throws<FormatException>(() => PciQuirks.Parse("# header\nacs\t8086\tzz\t-\tf\t-\t5.3\tsrc\n"));
        Assert.Contains("pci-quirks.tsv:2: device must be hex", e.Message);
        Assert.Contains("since must be MAJOR.MINOR", Assert.Throws<FormatException>(() => PciQuirks.Parse("alias\t8086\tany\t-\tf\t-\tnew\tsrc")).Message);
    }

    /// <summary>Intel RCiEPs (pci_quirk_rciep_acs, from v5.8): a multifunction RCiEP without ACS is one group in 5.3, one per function in 6.15.</summary>
    [Fact]
    public void Intel_rciep_quirk_splits_functions_only_from_its_era()
    {
        string[] pci =
        [
            """{ name: "0000:00:14.0", bus: pci, type: rc-integrated-endpoint, multifunction: true, vendor: "8086", device: "a36d" }""",
            """{ name: "0000:00:14.2", bus: pci, type: rc-integrated-endpoint, multifunction: true, vendor: "8086", device: "a36f" }""",
        ];
        Assert.Equal([["0000:00:14.0", "0000:00:14.2"]], Groups(Load("5.3", "x86", pci)));
        Assert.Equal([["0000:00:14.0"], ["0000:00:14.2"]], Groups(Load("6.15", "x86", pci)));
        var m = Load("6.15", "x86", pci);
        Assert.Equal("pci_quirk_rciep_acs", PciQuirks.Acs(m, 0, KernelEra.V6_15).Row!.Function);
        // --kernel moves the same machine between eras: the quirks follow the era, not the file.
        var back = m with { Variants = m.Variants.WithEra(KernelEra.V5_3) };
        Assert.Equal([["0000:00:14.0", "0000:00:14.2"]], Groups(back));
    }

    /// <summary>
    /// Sunrise Point root ports (pci_quirk_intel_spt_pch_acs): isolate only with an ACS capability
    /// (dev->acs_cap), whatever ACSCtl shows; Ibex Peak ports (pci_quirk_intel_pch_acs) without one.
    /// </summary>
    [Fact]
    public void Intel_pch_root_ports_isolate_by_their_quirks()
    {
        string[] Tree(string device, string cap) =>
        [
            $$"""{ name: "0000:00:1c.0", bus: pci, type: root-port, multifunction: true, vendor: "8086", device: "{{device}}"{{cap}} }""",
            $$"""{ name: "0000:00:1c.4", bus: pci, type: root-port, multifunction: true, vendor: "8086", device: "{{device}}"{{cap}} }""",
            """{ name: "0000:01:00.0", bus: pci, parent: "0000:00:1c.0" }""",
            """{ name: "0000:02:00.0", bus: pci, parent: "0000:00:1c.4" }""",
        ];
        string[][] apart = [["0000:00:1c.0"], ["0000:00:1c.4"], ["0000:01:00.0"], ["0000:02:00.0"]];
        string[][] together = [["0000:00:1c.0", "0000:00:1c.4", "0000:01:00.0", "0000:02:00.0"]];
        Assert.Equal(apart, Groups(Load("5.3", "x86", Tree("a110", ", acs-capability: true"))));
        Assert.Equal(together, Groups(Load("5.3", "x86", Tree("a110", ", acs-capability: false"))));
        Assert.Equal(apart, Groups(Load("5.3", "x86", Tree("a110", ""))));
        Assert.Equal(apart, Groups(Load("5.3", "x86", Tree("1c10", ""))));
        Assert.Equal(together, Groups(Load("5.3", "x86", Tree("1c20", ""))));
    }

    /// <summary>pci_quirk_amd_sb_acs: multifunction southbridge functions on the root bus isolate where an AMD IOMMU (IVRS) can exist.</summary>
    [Fact]
    public void Amd_southbridge_functions_isolate_on_x86_only()
    {
        string[] pci =
        [
            """{ name: "0000:00:14.0", bus: pci, multifunction: true, vendor: "1002", device: "4385" }""",
            """{ name: "0000:00:14.2", bus: pci, multifunction: true, vendor: "1002", device: "4383" }""",
            """{ name: "0000:00:14.5", bus: pci, multifunction: true, vendor: "1002", device: "4399" }""",
        ];
        Assert.Equal([["0000:00:14.0"], ["0000:00:14.2"], ["0000:00:14.5"]], Groups(Load("5.3", "x86", pci)));
        Assert.Equal([["0000:00:14.0", "0000:00:14.2", "0000:00:14.5"]], Groups(Load("5.3", "arm64", pci)));
    }

    /// <summary>pci_quirk_zhaoxin_pcie_ports_acs answers 0 for a port not on its list: no isolation even with ACS in effect.</summary>
    [Fact]
    public void An_unlisted_zhaoxin_port_does_not_isolate_despite_its_acs()
    {
        string[] Tree(string device) =>
        [
            $$"""{ name: "0000:00:02.0", bus: pci, type: root-port, acs: [SV, RR, CR, UF], vendor: "1d17", device: "{{device}}" }""",
            """{ name: "0000:01:00.0", bus: pci, parent: "0000:00:02.0" }""",
        ];
        var m = Load("6.15", "x86", Tree("07ff"));
        Assert.Equal(AcsQuirkDecision.DoesNotIsolate, PciQuirks.Acs(m, 0, KernelEra.V6_15).Decision);
        Assert.Equal([["0000:00:02.0", "0000:01:00.0"]], Groups(m));
        Assert.Equal([["0000:00:02.0"], ["0000:01:00.0"]], Groups(Load("6.15", "x86", Tree("0710"))));
        // Zhaoxin's quirk arrived in v5.7: in 5.3 the standard capability decides.
        Assert.Equal([["0000:00:02.0"], ["0000:01:00.0"]], Groups(Load("5.3", "x86", Tree("07ff"))));
    }

    /// <summary>
    /// quirk_dma_func1_alias (Marvell 88SE9123): function 0 DMAs as function 1, so both share a
    /// group although each isolates by ACS; the same card without IDs is two groups.
    /// </summary>
    [Fact]
    public void Marvell_function_one_alias_joins_the_functions()
    {
        string[] Tree(string ids) =>
        [
            """{ name: "0000:00:01.0", bus: pci, type: root-port, acs: [SV, RR, CR, UF] }""",
            $$"""{ name: "0000:01:00.0", bus: pci, parent: "0000:00:01.0", multifunction: true, acs: [SV, RR, CR, UF]{{ids}} }""",
            """{ name: "0000:01:00.1", bus: pci, parent: "0000:00:01.0", multifunction: true, acs: [SV, RR, CR, UF] }""",
        ];
        var m = Load("5.3", "x86", Tree(""", vendor: "1b4b", device: "9123" """));
        Assert.Equal([["0000:00:01.0"], ["0000:01:00.0", "0000:01:00.1"]], Groups(m));
        Assert.Equal([2], m.Index.DmaAliases[1].ToArray());
        Assert.Equal([["0000:00:01.0"], ["0000:01:00.0"], ["0000:01:00.1"]], Groups(Load("5.3", "x86", Tree(""))));
    }

    /// <summary>pci_quirk_brcm_acs (iProc PAXB root ports) first appears in v5.4: the 5.3 era does not have it, 6.15 does.</summary>
    [Fact]
    public void Broadcom_iproc_root_ports_isolate_only_in_the_later_era()
    {
        string[] pci =
        [
            """{ name: "0000:00:00.0", bus: pci, type: root-port, vendor: "14e4", device: "d714" }""",
            """{ name: "0000:01:00.0", bus: pci, parent: "0000:00:00.0" }""",
        ];
        Assert.Equal([["0000:00:00.0", "0000:01:00.0"]], Groups(Load("5.3", "arm64", pci)));
        Assert.Equal([["0000:00:00.0"], ["0000:01:00.0"]], Groups(Load("6.15", "arm64", pci)));
    }

    [Fact]
    public void Unknown_ids_leave_the_quirks_that_needed_them_undecided()
    {
        var m = Load("6.15", "x86",
            """{ name: "0000:00:1c.0", bus: pci, type: root-port }""",
            """{ name: "0000:00:1d.0", bus: pci, type: root-port, vendor: "8086", device: "a110" }""",
            """{ name: "0000:00:1e.0", bus: pci, type: root-port, vendor: "8086", device: "a340", acs-capability: true }""");
        var unknown = PciQuirks.Undecided(m, 0, KernelEra.V6_15);
        Assert.Contains("pci_quirk_intel_pch_acs", unknown);
        Assert.Contains("pci_quirk_intel_spt_pch_acs", unknown);
        Assert.DoesNotContain("pci_quirk_rciep_acs", unknown);
        Assert.Equal(["pci_quirk_intel_spt_pch_acs"], PciQuirks.Undecided(m, 1, KernelEra.V6_15).ToArray());
        Assert.Empty(PciQuirks.Undecided(m, 2, KernelEra.V6_15));
    }

    [Fact]
    public void Ids_round_trip_through_the_scenario_writer_and_bad_hex_names_the_field()
    {
        var m = Load("5.3", "x86", """{ name: "0000:00:1c.0", bus: pci, type: root-port, vendor: "8086", device: "a110", class: "060400", acs-capability: false }""");
        Assert.Equal(new PciIds(0x8086, 0xa110, 0x060400, false), m.Devices[0].Pci!.Ids);
        var again = ScenarioLoader.Load("again.yaml", ScenarioWriter.Write(m));
        Assert.Equal(m.Devices[0].Pci!.Ids, again.Devices[0].Pci!.Ids);
        var e = Assert.Throws<ScenarioException>(() => Load("5.3", "x86", """{ name: "0000:00:1c.0", bus: pci, vendor: "80861" }"""));
        Assert.Contains("devices[0].vendor", e.Message);
        Assert.Contains("hex digits", e.Message);
    }
}
