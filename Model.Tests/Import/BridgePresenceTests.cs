using Checker.Model.Import;
using Checker.Model.Import.Hardware;

namespace Checker.Model.Tests.Import;

/// <summary>bridge-presence.tsv: bridge chips that the firmware lists only with a link behind them.</summary>
public class BridgePresenceTests
{
    private const string Header = "#vendor:device\tname\tevidence\n";

    [Fact]
    public void The_embedded_table_reads_and_every_row_names_published_dumps()
    {
        var rows = BridgePresence.Default.Rows.ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            Assert.Matches("^https://[^ ]+", row.Evidence);
            Assert.False(string.IsNullOrWhiteSpace(row.Name));
        }
    }

    [Fact]
    public void Only_bridges_with_their_ids_known_and_in_the_table_answer()
    {
        var table = BridgePresence.Parse(Header + "1022:15d3\tRaven/Raven2 PCIe GPP Bridge [6:0]\thttps://example.org/dump (a board)\n");
        var bridge = new VerboseDevice(new Bdf(0, 0, 1, 1), "PCI bridge", null, null, null, null, false, 1) { Vendor = 0x1022, Device = 0x15d3 };
        Assert.True(table.ListedOnlyWithLink(bridge));
        Assert.False(table.ListedOnlyWithLink(bridge with { Device = 0x43c7 }));
        Assert.False(table.ListedOnlyWithLink(bridge with { Vendor = null, Device = null }));
        Assert.False(table.ListedOnlyWithLink(bridge with { ClassName = "Ethernet controller" }));
    }

    [Theory]
    [InlineData("1022:15d3\tname\n", "bridge-presence.tsv:2: expected 3 tab-separated columns")]
    [InlineData("1022:15D3\tname\thttps://example.org\n", "bridge-presence.tsv:2: vendor:device must be two lowercase")]
    [InlineData("1022:15d3\t \thttps://example.org\n", "bridge-presence.tsv:2: name is empty")]
    [InlineData("1022:15d3\tname\tseen on a board\n", "bridge-presence.tsv:2: evidence must start with the URL")]
    [InlineData("1022:15d3\tname\thttps://example.org\n1022:15d3\tname\thttps://example.org/2\n", "bridge-presence.tsv:3: 1022:15d3 has a row already")]
    public void A_malformed_row_is_an_error_naming_the_line(string rows, string message)
    {
        var e = Assert.Throws<FormatException>(() => BridgePresence.Parse(Header + rows));
        Assert.StartsWith(message, e.Message);
    }
}
