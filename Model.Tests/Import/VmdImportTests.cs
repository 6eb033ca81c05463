using Checker.Model.Import;
using Checker.Model.Scenario;

namespace Checker.Model.Tests.Import;

/// <summary>
/// Five-digit PCI domains in every form the reader takes, and the import of VMD domains
/// (docs/import.md, "VMD"): the endpoint found by vmd_ids[], the domains numbered as
/// vmd_find_free_domain() numbers them.
/// </summary>
public class VmdImportTests
{
    [Theory]
    [InlineData("10000:e1:00.0", 0x10000, "10000:e1:00.0")]
    [InlineData("0000:00:1f.3", 0, "0000:00:1f.3")]
    [InlineData("00:1f.3", 0, "0000:00:1f.3")]
    [InlineData("0001:00:00.0", 1, "0001:00:00.0")]
    [InlineData("7fffffff:00:00.0", 0x7fffffff, "7fffffff:00:00.0")]
    public void Addresses_take_domains_of_four_to_eight_hex_digits_and_print_them_as_the_kernel_does(string text, int domain, string name)
    {
        var bdf = Bdf.TryParse(text);
        Assert.NotNull(bdf);
        Assert.Equal(domain, bdf.Value.Domain);
        Assert.Equal(name, bdf.Value.ToString());
    }

    [Theory]
    [InlineData("80000000:00:00.0", "above 7fffffff")]
    [InlineData("100000000:00:00.0", "")]
    [InlineData("000:00:00.0", "")]
    public void Addresses_Linux_cannot_have_are_refused(string text, string why)
    {
        Assert.Null(Bdf.TryParse(text, out var reason));
        Assert.Contains(why, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listing_reads_a_vmd_domains_functions_and_its_groups()
    {
        const string listing = """
            IOMMU Group 7:
            	00:0e.0 RAID bus controller [0104]: Intel Corporation Volume Management Device NVMe RAID Controller [8086:9a0b]
            	10000:e0:1d.0 PCI bridge [0604]: Intel Corporation Tiger Lake-LP PCI Express Root Port #9 [8086:a0b0] (rev 20)
            	10000:e1:00.0 Non-Volatile memory controller [0108]: Sandisk Corp WD Black SN750 / PC SN730 / Red SN700 NVMe SSD [15b7:5006]
            """;
        var devices = LspciListing.Parse("l.txt", listing);
        var nvme = devices[new Bdf(0x10000, 0xe1, 0, 0)];
        Assert.Equal((0x15b7, 0x5006, 7), (nvme.Vendor, nvme.Device, nvme.IommuGroup));
        var groups = IommuGroupsListing.Parse("l.txt", listing);
        Assert.Equal(["0000:00:0e.0", "10000:e0:1d.0", "10000:e1:00.0"], groups[7].AsEnumerable());
        var found = IommuGroupsListing.Parse("f.txt", "/sys/kernel/iommu_groups/7/devices/10000:e1:00.0\n");
        Assert.Equal(["10000:e1:00.0"], found[7].AsEnumerable());
    }

    [Fact]
    public void A_tree_reads_a_vmd_domains_host_bridge()
    {
        var tree = LspciTree.Parse("t.txt", "-+-[10000:e0]---1d.0-[e1]----00.0\n \\-[0000:00]-+-00.0\n             \\-0e.0\n");
        Assert.Contains(tree.HostBridges, h => (h.Domain, h.RootBus) == (0x10000, 0xe0));
    }

    [Fact]
    public void A_domain_wider_than_eight_digits_is_an_error_that_says_so()
    {
        var e = Assert.Throws<ImportException>(() => LspciListing.Parse("l.txt",
            "00:00.0 Host bridge: Intel Corporation Device 9a14\n100000000:e0:1d.0 PCI bridge: Intel Corporation Device a0b0\n"));
        Assert.Equal(2, e.Line);
        Assert.Contains("more than 8 hex digits", e.Reason, StringComparison.Ordinal);
        var high = Assert.Throws<ImportException>(() => LspciListing.Parse("l.txt", "80000000:e0:1d.0 PCI bridge: Intel Corporation Device a0b0\n"));
        Assert.Contains("above 7fffffff", high.Reason, StringComparison.Ordinal);
    }

    /// <summary>Imports LISTING (lspci -nn text) with --lspci alone and returns the scenario written.</summary>
    private static string Import(string listing, params string[] args)
    {
        var input = Path.Combine(Path.GetTempPath(), $"checker-vmd-{Guid.NewGuid():N}.txt");
        var output = Path.ChangeExtension(input, ".yaml");
        try
        {
            File.WriteAllText(input, listing);
            var (exit, _, err) = Fixtures.Run(["import", "--lspci", input, .. args, "-o", output]);
            Assert.True(exit == 0, err);
            return File.ReadAllText(output);
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    private const string TwoVmdServer = """
        0000:00:00.0 Host bridge [0600]: Intel Corporation Sky Lake-E DMI3 Registers [8086:2020] (rev 04)
        0000:5d:05.5 RAID bus controller [0104]: Intel Corporation Volume Management Device NVMe RAID Controller [8086:201d] (rev 04)
        0000:ae:05.5 RAID bus controller [0104]: Intel Corporation Volume Management Device NVMe RAID Controller [8086:201d] (rev 04)
        10000:00:00.0 PCI bridge [0604]: Intel Corporation Sky Lake-E PCI Express Root Port A [8086:2030] (rev 04)
        10000:01:00.0 Non-Volatile memory controller [0108]: Intel Corporation NVMe Datacenter SSD [3DNAND, Beta Rock Controller] [8086:0a54]
        10001:00:00.0 PCI bridge [0604]: Intel Corporation Sky Lake-E PCI Express Root Port A [8086:2030] (rev 04)
        10001:01:00.0 Non-Volatile memory controller [0108]: Intel Corporation NVMe Datacenter SSD [3DNAND, Beta Rock Controller] [8086:0a54]
        """;

    [Fact]
    public void Each_vmd_domain_is_given_the_endpoint_vmd_find_free_domain_numbers_it_after()
    {
        var yaml = Import(TwoVmdServer);
        Assert.Contains("  - { domain: \"10000\", root-bus: \"00\", firmware: acpi, vmd: \"0000:5d:05.5\" }\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  - { domain: \"10001\", root-bus: \"00\", firmware: acpi, vmd: \"0000:ae:05.5\" }\n", yaml, StringComparison.Ordinal);
        Assert.Contains("the VMD endpoint number 1 in bus order", yaml, StringComparison.Ordinal);
        var m = ScenarioLoader.Load("m.yaml", yaml);
        Assert.Equal(m.DeviceIndex("0000:ae:05.5"), Checker.Model.Topology.Vmd.RealDmaDev(m, m.DeviceIndex("10001:01:00.0")));
    }

    [Fact]
    public void A_vmd_domain_without_an_endpoint_in_the_listing_stays_a_host_bridge_with_a_guess()
    {
        var listing = string.Join("\n", TwoVmdServer.Split('\n').Where(l => !l.Contains("05.5", StringComparison.Ordinal))) + "\n";
        var yaml = Import(listing);
        Assert.Contains("  - { domain: \"10000\", root-bus: \"00\", firmware: acpi, iommu: \"dmar0\" }\n", yaml, StringComparison.Ordinal);
        Assert.Contains("no VMD endpoint of vmd-ids.tsv", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(", vmd: \"", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void The_vmd_table_has_the_v6_15_entries()
    {
        var table = Checker.Model.Import.Hardware.VmdIds.Default;
        Assert.Equal(10, table.Count);
        foreach (var id in new[] { 0x201d, 0x28c0, 0x467f, 0x4c3d, 0xa77f, 0x7d0b, 0xad0b, 0x9a0b, 0xb60b, 0xb06f })
            Assert.NotNull(table.Entry(new Checker.Model.State.PciIds(0x8086, id, null, null)));
        Assert.Null(table.Entry(new Checker.Model.State.PciIds(0x8086, 0xb07f, null, null)));
    }
}
