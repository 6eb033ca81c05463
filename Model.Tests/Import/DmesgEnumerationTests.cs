using Checker.Model.Import;
using Checker.Model.State;

namespace Checker.Model.Tests.Import;

/// <summary>
/// The enumeration lines of a dmesg (`pci 0000:00:14.3: [8086:a0f0] type 00 class 0x028000 PCIe Root
/// Complex Integrated Endpoint`, v6.8 on) give a function's PCI Express type where the lspci text has
/// no capability list, and its IDs where lspci ran without -nn.
/// </summary>
public class DmesgEnumerationTests
{
    // A Tiger Lake-LP's slot 14 as a flat `lspci -nn` lists it (no capability lists), and the
    // enumeration lines a v6.8 kernel prints for it: xHCI and shared SRAM without a PCI Express
    // capability, the CNVi Wi-Fi a root complex integrated endpoint. These chips have no row in
    // pci-capabilities.tsv, so without the dmesg their types are guessed (the 700-series PCH's
    // 7a60/7a27/7a70 have rows from Z790 root dumps, which split the slot without a dmesg).
    private const string Listing =
        "00:00.0 Host bridge [0600]: Intel Corporation Device [8086:9a14] (rev 01)\n"
        + "00:14.0 USB controller [0c03]: Intel Corporation Device [8086:a0ed] (rev 11)\n"
        + "00:14.2 RAM memory [0500]: Intel Corporation Device [8086:a0ef] (rev 11)\n"
        + "00:14.3 Network controller [0280]: Intel Corporation Device [8086:a0f0] (rev 11)\n";

    private const string Dmesg =
        "[    0.000000] Linux version 6.8.0-49-generic (buildd@lcy02-amd64-103) (gcc 13.2.0) #49-Ubuntu SMP\n"
        + "[    0.531000] pci 0000:00:00.0: [8086:9a14] type 00 class 0x060000 conventional PCI endpoint\n"
        + "[    0.532000] pci 0000:00:14.0: [8086:a0ed] type 00 class 0x0c0330 conventional PCI endpoint\n"
        + "[    0.532100] pci 0000:00:14.2: [8086:a0ef] type 00 class 0x050000 conventional PCI endpoint\n"
        + "[    0.532200] pci 0000:00:14.3: [8086:a0f0] type 00 class 0x028000 PCIe Root Complex Integrated Endpoint\n";

    [Fact]
    public void Enumeration_lines_are_read_with_their_ids_class_and_type()
    {
        var log = DmesgLog.Parse("dmesg.txt", Dmesg + "[    0.600000] pci 0000:00:1c.0: [8086:a110] type 01 class 0x060400\n");
        var wifi = log.Enumerated["0000:00:14.3"];
        Assert.Equal((0x8086, 0xa0f0, 0x028000, PcieType.RcIntegratedEndpoint, 5), (wifi.Vendor, wifi.DeviceId, wifi.ClassCode, wifi.Type, wifi.Line));
        Assert.Equal(PcieType.LegacyPci, log.Enumerated["0000:00:14.0"].Type);
        // Before v6.8 the line ends at the class: IDs, no type.
        var port = log.Enumerated["0000:00:1c.0"];
        Assert.Equal((0xa110, (PcieType?)null), (port.DeviceId, port.Type));
    }

    [Fact]
    public void The_logged_types_split_the_integrated_endpoint_from_the_conventional_functions_of_its_slot()
    {
        var dir = Directory.CreateTempSubdirectory("checker-enum-").FullName;
        try
        {
            var lspci = Path.Combine(dir, "lspci.txt");
            var dmesg = Path.Combine(dir, "dmesg.txt");
            File.WriteAllText(lspci, Listing);
            File.WriteAllText(dmesg, Dmesg);
            // With the dmesg: pci_acs_enabled() is false for the two conventional functions, so
            // pci_device_group() joins them; the RCiEP is isolated by pci_quirk_rciep_acs (v5.8 on).
            var with = Groups(dir, lspci, "--dmesg", dmesg);
            Assert.Contains(["0000:00:14.0", "0000:00:14.2"], with);
            Assert.Contains(["0000:00:14.3"], with);
            // Without it the types are guessed (endpoints, no ACS) and the slot is one group: the
            // dmesg is what tells them apart.
            var without = Groups(dir, lspci);
            Assert.Contains(["0000:00:14.0", "0000:00:14.2", "0000:00:14.3"], without);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_700_series_slot_14_is_split_by_the_table_rows_without_a_dmesg()
    {
        // 8086:7a60/7a27 (xHCI, shared SRAM) have no PCI Express capability and 7a70 (CNVi) is a root
        // complex integrated endpoint in the Z790 root dumps pci-capabilities.tsv cites, so the flat
        // listing alone gives the groups a Raptor Lake machine has: the two conventional functions
        // together, the RCiEP alone (pci_quirk_rciep_acs, v5.8 on).
        var dir = Directory.CreateTempSubdirectory("checker-enum-").FullName;
        try
        {
            var lspci = Path.Combine(dir, "lspci.txt");
            File.WriteAllText(lspci,
                "00:00.0 Host bridge [0600]: Intel Corporation Device [8086:a700] (rev 01)\n"
                + "00:14.0 USB controller [0c03]: Intel Corporation Device [8086:7a60] (rev 11)\n"
                + "00:14.2 RAM memory [0500]: Intel Corporation Device [8086:7a27] (rev 11)\n"
                + "00:14.3 Network controller [0280]: Intel Corporation Device [8086:7a70] (rev 11)\n");
            var groups = Groups(dir, lspci);
            Assert.Contains(["0000:00:14.0", "0000:00:14.2"], groups);
            Assert.Contains(["0000:00:14.3"], groups);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<string[]> Groups(string dir, string lspci, params string[] extra)
    {
        var output = Path.Combine(dir, $"m-{extra.Length}.yaml");
        var (exit, _, err) = Fixtures.Run(["import", "--lspci", lspci, .. extra, "-o", output]);
        Assert.True(exit == 0, err);
        var (bootExit, json, bootErr) = Fixtures.Run("boot", output, "--json");
        Assert.True(bootExit == 0, bootErr);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => g.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Order(StringComparer.Ordinal).ToArray())];
    }
}
