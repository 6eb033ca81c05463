using Checker.Model.Import.Hardware;

namespace Checker.Model.Tests.Import;

/// <summary>
/// pci-capabilities.tsv: facts of chips (PCIe port type, ACS capability) read from other
/// machines' published root `lspci -vvv` dumps, for pasted dumps that lack capability lists.
/// </summary>
public class PciCapabilityFactsTests
{
    private const string Header = "#vendor:device\tpcie-type\tacs-cap\tacs-cap-flags\tname\tsource\n";
    private const string Full = "SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-";

    private static string Row(string id, string type, string acs, string flags, string source = "https://example.org/dump") =>
        $"{id}\t{type}\t{acs}\t{flags}\tSome chip\t{source}\n";

    [Fact]
    public void The_embedded_table_reads_and_every_row_names_a_published_dump()
    {
        var facts = PciCapabilityFacts.Default;
        Assert.True(facts.Count >= 40, $"only {facts.Count} chips");
        Assert.True(facts.Rows.Length >= facts.Count);
        foreach (var row in facts.Rows)
        {
            Assert.Matches("^https?://[^ ]+", row.Source);
            Assert.False(string.IsNullOrWhiteSpace(row.Name));
            Assert.Equal(row.AcsCapability == true, row.AcsCapFlags is not null);
        }
    }

    [Fact]
    public void Known_chips_look_up_as_their_dumps_show_them()
    {
        var facts = PciCapabilityFacts.Default;
        // Broadwell-EP IIO root ports carry ACS; the Wellsburg PCH root ports do not (the kernel's
        // pci_quirk_intel_pch_acs exists for them).
        var rp = facts.Lookup(0x8086, 0x6f02)!;
        Assert.Equal(("root-port", true, Full), (rp.PcieType, rp.AcsCapability, rp.AcsCapFlags));
        var pch = facts.Lookup(0x8086, 0x8d10)!;
        Assert.Equal(("root-port", false, (string?)null), (pch.PcieType, pch.AcsCapability, pch.AcsCapFlags));
        // 00:05.x of Xeon E5 v4 and the C610/X99 SPSR at 00:11.0 are RC integrated endpoints.
        Assert.Equal("rc-integrated-endpoint", facts.Lookup(0x8086, 0x6f28)!.PcieType);
        Assert.Equal("rc-integrated-endpoint", facts.Lookup(0x8086, 0x8d7c)!.PcieType);
        // No Express capability: a conventional function.
        Assert.Equal("legacy-pci", facts.Lookup(0x8086, 0x8d31)!.PcieType);
        Assert.Null(facts.Lookup(0xffff, 0xffff));
    }

    [Fact]
    public void Switch_ports_sharing_an_id_answer_the_downstream_ports_acs_and_no_type()
    {
        var facts = PciCapabilityFacts.Parse(Header
            + Row("12d8:2404", "upstream-port", "absent", "-")
            + Row("12d8:2404", "downstream-port", "present", Full));
        var fact = facts.Lookup(0x12d8, 0x2404)!;
        Assert.Null(fact.PcieType);
        Assert.True(fact.AcsCapability);
        Assert.Equal(Full, fact.AcsCapFlags);
        Assert.Equal(1, facts.Count);
        Assert.Equal(2, facts.Rows.Length);
    }

    [Fact]
    public void Rows_that_agree_answer_once_and_unmarked_conflicts_are_an_error_naming_the_line()
    {
        var agree = PciCapabilityFacts.Parse(Header
            + Row("8086:1901", "root-port", "absent", "-")
            + Row("8086:1901", "root-port", "absent", "-", "https://example.org/other"));
        Assert.Equal("https://example.org/dump", agree.Lookup(0x8086, 0x1901)!.Source);

        var conflict = Header + Row("8086:1901", "root-port", "absent", "-") + Row("8086:1901", "root-port", "present", Full);
        var e = Assert.Throws<FormatException>(() => PciCapabilityFacts.Parse(conflict));
        Assert.StartsWith("pci-capabilities.tsv:2:", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Disputed_rows_answer_null_for_what_their_dumps_disagree_on()
    {
        var facts = PciCapabilityFacts.Parse(Header
            + Row("1022:1453", "root-port", "absent", "-", "https://example.org/a [disputed]")
            + Row("1022:1453", "root-port", "present", Full, "https://example.org/b [disputed]"));
        var fact = facts.Lookup(0x1022, 0x1453)!;
        Assert.Equal("root-port", fact.PcieType);
        Assert.Null(fact.AcsCapability);
        Assert.Null(fact.AcsCapFlags);
        Assert.Contains("https://example.org/b", fact.Source);
    }

    [Fact]
    public void An_instance_takes_the_rows_of_the_bridge_it_sits_behind()
    {
        var facts = PciCapabilityFacts.Parse(Header
            + Row("1022:149c", "endpoint", "present", Full, "https://example.org/pro (behind the CPU port) [behind 1022:1484]")
            + Row("1022:149c", "endpoint", "absent", "-", "https://example.org/pro (behind a chipset port) [behind 1022:57a4]"));
        Assert.True(facts.Lookup(0x1022, 0x149c, (0x1022, 0x1484))!.AcsCapability);
        Assert.False(facts.Lookup(0x1022, 0x149c, (0x1022, 0x57a4))!.AcsCapability);
        // Behind another bridge, or with the parent unknown, the chip has no unmarked rows: no answer.
        Assert.Null(facts.Lookup(0x1022, 0x149c, (0x1022, 0x1483)));
        Assert.Null(facts.Lookup(0x1022, 0x149c));
        Assert.Equal(1, facts.Count);
        // On the embedded table, the X570 AORUS PRO WIFI and ELITE WIFI dumps agree place by place.
        var table = PciCapabilityFacts.Default;
        Assert.True(table.Lookup(0x1022, 0x1485, (0x1022, 0x1484))!.AcsCapability);
        Assert.False(table.Lookup(0x1022, 0x1485, (0x1022, 0x57a4))!.AcsCapability);
    }

    [Fact]
    public void A_firmware_hidden_row_does_not_vote_and_the_answer_names_it()
    {
        var facts = PciCapabilityFacts.Parse(Header
            + Row("1022:1483", "root-port", "present", Full, "https://example.org/pro")
            + Row("1022:1483", "root-port", "absent", "-", "https://example.org/elite (no AER, no ACS) [firmware-hidden]"));
        var fact = facts.Lookup(0x1022, 0x1483)!;
        Assert.True(fact.AcsCapability);
        Assert.Equal(Full, fact.AcsCapFlags);
        Assert.Contains("the firmware of https://example.org/elite hides its AER and ACS capabilities", fact.Source);
        // Only hidden rows say nothing about the chip; a hidden row that shows ACS is a contradiction.
        var alone = Assert.Throws<FormatException>(() => PciCapabilityFacts.Parse(Header
            + Row("1022:1483", "root-port", "absent", "-", "https://example.org/elite [firmware-hidden]")));
        Assert.Contains("needs another dump", alone.Message);
        var present = Assert.Throws<FormatException>(() => PciCapabilityFacts.Parse(Header
            + Row("1022:1483", "root-port", "present", Full, "https://example.org/pro")
            + Row("1022:1483", "root-port", "present", Full, "https://example.org/x [firmware-hidden]")));
        Assert.Contains("must say acs-cap absent", present.Message);
    }

    [Theory]
    [InlineData("8086:1901\troot-port\tabsent\t-\tname", "expected 6 tab-separated columns")]
    [InlineData("8086:190\troot-port\tabsent\t-\tname\thttps://x", "vendor:device")]
    [InlineData("8086:1A01\troot-port\tabsent\t-\tname\thttps://x", "vendor:device")]
    [InlineData("8086:1901\troot\tabsent\t-\tname\thttps://x", "pcie-type")]
    [InlineData("8086:1901\troot-port\tyes\t-\tname\thttps://x", "acs-cap must be")]
    [InlineData("8086:1901\troot-port\tpresent\t-\tname\thttps://x", "acs-cap-flags")]
    [InlineData("8086:1901\troot-port\tpresent\tSrcValid+\tname\thttps://x", "acs-cap-flags")]
    [InlineData("8086:1901\troot-port\tabsent\t" + Full + "\tname\thttps://x", "acs-cap-flags")]
    [InlineData("8086:1901\troot-port\tabsent\t-\t \thttps://x", "name is empty")]
    [InlineData("8086:1901\troot-port\tabsent\t-\tname\tforum post", "source")]
    public void A_malformed_row_is_an_error_naming_its_line_and_column(string row, string expected)
    {
        var e = Assert.Throws<FormatException>(() => PciCapabilityFacts.Parse(Header + "\n" + row + "\n"));
        Assert.StartsWith("pci-capabilities.tsv:3: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
