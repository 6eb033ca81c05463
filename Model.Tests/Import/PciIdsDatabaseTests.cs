using Checker.Model.Import;
using Checker.Model.State;
using Checker.Model.Topology.Quirks;

namespace Checker.Model.Tests.Import;

/// <summary>
/// lspci without -nn prints names only; pci.ids maps them back to the IDs the kernel's quirk
/// tables match on, and without it every quirk that needed the IDs is listed as undecided.
/// </summary>
public class PciIdsDatabaseTests
{
    /// <summary>A few entries in pci.ids' own format (tabs, two spaces before the name, subsystem lines, a class section).</summary>
    private const string Ids = "# pci.ids excerpt\n"
        + "8086  Intel Corporation\n"
        + "\t1901  6th-10th Gen Core Processor PCIe Controller (x16)\n"
        + "\ta110  100 Series/C230 Series Chipset Family PCI Express Root Port #1\n"
        + "\t\t1849 a110  100 Series/C230 Series Chipset Family PCI Express Root Port\n"
        + "\ta114  100 Series/C230 Series Chipset Family PCI Express Root Port #5\n"
        + "10de  NVIDIA Corporation\n"
        + "\t1401  GM206 [GeForce GTX 960]\n"
        + "C 06  Bridge\n"
        + "\t04  PCI bridge\n"
        + "\t\t00  Normal decode\n"
        + "C 03  Display controller\n"
        + "\t00  VGA compatible controller\n";

    private const string Listing = """
        00:1c.0 PCI bridge: Intel Corporation 100 Series/C230 Series Chipset Family PCI Express Root Port #1 (rev f1)
        00:1c.4 PCI bridge: Intel Corporation 100 Series/C230 Series Chipset Family PCI Express Root Port #5 (rev f1)
        02:00.0 VGA compatible controller: NVIDIA Corporation GM206 [GeForce GTX 960] (rev a1)
        03:00.0 Ethernet controller: Intel Corporation I211 Gigabit Network Connection (rev 03)
        """;

    [Fact]
    public void Names_map_back_to_ids_and_classes()
    {
        var db = PciIdsDatabase.Parse(Ids);
        Assert.Equal(2, db.VendorCount);
        Assert.Equal((0x8086, (int?)0xa114), db.Lookup("Intel Corporation 100 Series/C230 Series Chipset Family PCI Express Root Port #5 (rev f1)"));
        Assert.Equal((0x10de, (int?)0x1401), db.Lookup("NVIDIA Corporation GM206 [GeForce GTX 960] (rev a1)"));
        // A vendor it has, a device it lacks: the vendor alone (quirks that match any device of a vendor can still be decided).
        Assert.Equal((0x8086, (int?)null), db.Lookup("Intel Corporation I211 Gigabit Network Connection (rev 03)"));
        Assert.Null(db.Lookup("Realtek Semiconductor Co., Ltd. RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller (rev 15)"));
        Assert.Equal(0x060400, db.ClassOf("PCI bridge"));
        Assert.Equal(0x030000, db.ClassOf("VGA compatible controller"));
    }

    [Fact]
    public void Devices_pci_ids_names_alike_are_all_known_and_a_name_of_its_own_has_none()
    {
        var db = PciIdsDatabase.Bundled();
        // pci.ids names the X570 chipset's two kinds of downstream port alike.
        Assert.Equal([0x57a3, 0x57a4], db.NamedAlike(0x1022, 0x57a4).Order());
        Assert.Equal([0x57a3, 0x57a4], db.NamedAlike(0x1022, 0x57a3).Order());
        Assert.Empty(db.NamedAlike(0x1022, 0x1483));
        // A system pci.ids that lacks them: the bundled subset behind it answers.
        Assert.Equal(2, PciIdsDatabase.Parse("8086  Intel Corporation\n\ta114  Some port\n").Then(db).NamedAlike(0x1022, 0x57a3).Length);
    }

    private static ImportResult Import(PciIdsDatabase? names)
    {
        var dump = LspciDump.Read([("lspci.txt", Listing)]);
        return MachineImporter.Import(ImportInputs.FromLspci("t", dump, null, null, null) with { Names = names });
    }

    [Fact]
    public void With_pci_ids_the_sunrise_point_quirk_isolates_the_ports()
    {
        var result = Import(PciIdsDatabase.Parse(Ids));
        var m = result.Machine;
        var port = m.DeviceIndex("0000:00:1c.4");
        Assert.Equal(0xa114, m.Devices[port].Pci!.Ids!.Device);
        Assert.Equal(AcsQuirkDecision.Isolates, PciQuirks.Acs(m, port, m.Variants.Era).Decision);
        Assert.Contains(result.Guesses, g => g.Subject == "device 0000:00:1c.4" && g.Text.Contains("taken from pci.ids", StringComparison.Ordinal));
        // The port's capability is not in a listing without -v: the assumption is a guess too.
        Assert.Contains(result.Guesses, g => g.Subject == "device 0000:00:1c.4" && g.Text.Contains("assumed present", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_pci_ids_the_quirks_that_needed_the_ids_are_listed_as_undecided()
    {
        var result = Import(null);
        var m = result.Machine;
        var port = m.DeviceIndex("0000:00:1c.4");
        Assert.Null(m.Devices[port].Pci!.Ids?.Device);
        Assert.Equal(AcsQuirkDecision.NoQuirk, PciQuirks.Acs(m, port, m.Variants.Era).Decision);
        var guess = Assert.Single(result.Guesses, g => g.Subject == "device 0000:00:1c.4" && g.Text.StartsWith("kernel quirks", StringComparison.Ordinal));
        Assert.Contains("could not be decided", guess.Text);
        Assert.Contains("pci_quirk_intel_pch_acs", guess.Text);
        Assert.Contains("pci_quirk_intel_spt_pch_acs", guess.Text);
    }

    [Fact]
    public void A_name_pci_ids_has_since_respelled_still_maps_back_unless_it_is_ambiguous()
    {
        var db = PciIdsDatabase.Parse("8086  Intel Corporation\n"
            + "\ta114  100/C230 Series Chipset Family PCIe Root Port #5\n"
            + "\t1234  Widget PCIe Port\n"
            + "\t1235  Widget PCI Express Port\n");
        // The name a 2016 pci.ids printed, looked up in one where it was respelled.
        Assert.Equal((0x8086, (int?)0xa114), db.Lookup("Intel Corporation 100 Series/C230 Series Chipset Family PCI Express Root Port #5 (rev f1)"));
        // Two devices whose names differ only in spelling: the exact one, and no guess for a third spelling.
        Assert.Equal((0x8086, (int?)0x1235), db.Lookup("Intel Corporation Widget PCI Express Port"));
        Assert.Equal((0x8086, (int?)null), db.Lookup("Intel Corporation Widget PCI-Express Port"));
    }

    [Fact]
    public void The_bundled_subset_names_every_device_the_quirk_table_and_the_hardware_facts_list_by_id()
    {
        // scripts/pci-ids-subset.py writes it from pci.ids; a quirk or hardware-facts row added without re-running it
        // fails here (an ID pci.ids itself lacks is written as a "# not in pci.ids" comment).
        using var stream = typeof(PciIdsDatabase).Assembly.GetManifestResourceStream(PciIdsDatabase.BundledResource);
        Assert.NotNull(stream);
        var text = new StreamReader(stream).ReadToEnd();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        string vendor = "";
        foreach (var line in text.Split('\n'))
        {
            if (line.Length >= 6 && line[4] == ' ' && line[0] != '#' && line[0] != '\t' && line[0] != 'C')
                vendor = line[..4];
            else if (line.Length >= 7 && line[0] == '\t' && line[5] == ' ' && vendor.Length > 0)
                listed.Add($"{vendor}:{line[1..5]}");
            else if (line.StartsWith("# not in pci.ids: ", StringComparison.Ordinal))
                listed.Add(line["# not in pci.ids: ".Length..].Trim());
            if (line.StartsWith("C ", StringComparison.Ordinal))
                vendor = "";
        }
        var missing = PciQuirks.Rows.Where(r => r.Device is not null)
            .Select(r => $"{r.Vendor:x4}:{r.Device:x4}")
            .Concat(Checker.Model.Import.Hardware.PciCapabilityFacts.Default.Rows.Select(r => $"{r.Vendor:x4}:{r.Device:x4}"))
            .Where(k => !listed.Contains(k)).Distinct().ToList();
        Assert.True(missing.Count == 0, "pci-ids-subset.ids is stale (run scripts/pci-ids-subset.py PATH/TO/pci.ids --history CLONE_OF_PCIIDS): " + string.Join(", ", missing));
        Assert.True(text.Contains("lines with the same ID after it are the names", StringComparison.Ordinal),
            "pci-ids-subset.ids was written without the earlier names (run scripts/pci-ids-subset.py PATH/TO/pci.ids --history CLONE_OF_PCIIDS)");
    }

    [Fact]
    public void Without_a_system_pci_ids_the_bundled_subset_decides_the_pch_quirk()
    {
        var db = PciIdsDatabase.Bundled();
        Assert.Contains("bundled subset of pci.ids", db.Source, StringComparison.Ordinal);
        Assert.NotNull(db.Version);
        var result = Import(db);
        var m = result.Machine;
        var port = m.DeviceIndex("0000:00:1c.4");
        Assert.Equal(0xa114, m.Devices[port].Pci!.Ids!.Device);
        Assert.Equal(AcsQuirkDecision.Isolates, PciQuirks.Acs(m, port, m.Variants.Era).Decision);
        Assert.Contains(result.Guesses, g => g.Subject == "device 0000:00:1c.4" && g.Text.Contains("bundled subset of pci.ids", StringComparison.Ordinal));
        // The I211 is not in the subset: its vendor is known, its device is not.
        var nic = m.DeviceIndex("0000:03:00.0");
        Assert.Equal(0x8086, m.Devices[nic].Pci!.Ids!.Vendor);
        Assert.Null(m.Devices[nic].Pci!.Ids!.Device);
    }

    [Fact]
    public void An_unnamed_device_is_read_from_the_id_lspci_prints_for_it()
    {
        var db = PciIdsDatabase.Parse(Ids);
        // lspci prints `Device dddd` after a known vendor whose device its pci.ids lacks, and
        // `Device vvvv:dddd` when the vendor is unknown too.
        Assert.Equal((0x8086, (int?)0x15d3), db.Lookup("Intel Corporation Device 15d3 (rev 01)"));
        Assert.Equal((0x1cc1, (int?)0x5350), db.Lookup("Device 1cc1:5350 (rev 03)"));
        var found = db.Find("Intel Corporation Device 15d3");
        Assert.Equal("lspci's numeric name", found!.Value.Source);
    }

    [Fact]
    public void A_system_pci_ids_falls_back_to_the_bundled_subset_for_names_it_lacks()
    {
        // A system pci.ids newer than the dump: the port's old name is not in it, the bundled subset has it.
        var system = PciIdsDatabase.Parse("8086  Intel Corporation\n\ta290  200 Series/Z370 Chipset Family PCIe Root Port #1\n");
        const string Old = "Intel Corporation 200 Series PCH PCI Express Root Port #1 (rev f0)";
        Assert.Equal((0x8086, (int?)null), system.Lookup(Old));
        var both = system.Then(PciIdsDatabase.Bundled());
        var found = both.Find(Old);
        Assert.Equal((0x8086, (int?)0xa290), (found!.Value.Vendor, found.Value.Device));
        Assert.Contains("bundled subset", found.Value.Source, StringComparison.Ordinal);
        // What the system's pci.ids knows it answers itself.
        Assert.Equal("pci.ids", both.Find("Intel Corporation 200 Series/Z370 Chipset Family PCIe Root Port #1")!.Value.Source);
    }

    [Fact]
    public void The_bundled_subset_knows_the_names_its_devices_had_in_earlier_pci_ids_versions()
    {
        var db = PciIdsDatabase.Bundled();
        // 8086:a290 is `200 Series/Z370 Chipset Family PCIe Root Port #1` now, and was
        // `200 Series PCH PCI Express Root Port #1` from 2017 to early 2026 (as the ASRock Z370
        // listing of the validation set prints it).
        Assert.Equal((0x8086, (int?)0xa290), db.Lookup("Intel Corporation 200 Series/Z370 Chipset Family PCIe Root Port #1"));
        Assert.Equal((0x8086, (int?)0xa290), db.Lookup("Intel Corporation 200 Series PCH PCI Express Root Port #1 (rev f0)"));
    }

    private const string AlderLakeIds = "8086  Intel Corporation\n"
        + "\t51b0  Alder Lake PCI Express Root Port #9\n"
        + "\t51b1  Alder Lake PCI Express x1 Root Port #10\n"
        + "\t51b3  Alder Lake PCI Express Root Port #12\n"
        + "\t1234  Widget Port\n"
        + "\t1235  Widget-Port\n";

    [Fact]
    public void A_name_pci_ids_has_only_with_a_trailing_ordinal_maps_to_every_device_of_that_form()
    {
        var db = PciIdsDatabase.Parse(AlderLakeIds);
        // Published listings print 8086:51b0 as `Alder Lake PCI Express Root Port`, a name no device has.
        const string Printed = "Intel Corporation Alder Lake PCI Express Root Port (rev 01) (prog-if 00 [Normal decode])";
        Assert.Equal((0x8086, (int?)null), db.Lookup(Printed));
        var found = db.Unnumbered(Printed);
        Assert.NotNull(found);
        Assert.Equal(0x8086, found.Value.Vendor);
        Assert.Equal([0x51b0, 0x51b3], found.Value.Devices.ToArray());
        // The form is the whole name but its ordinal: the x1 port is not among them, and a numbered name finds its own form.
        Assert.Equal([0x51b1], db.Unnumbered("Intel Corporation Alder Lake PCI Express x1 Root Port #7")!.Value.Devices.ToArray());
        // A name that has a device of its own is still that device's.
        Assert.Equal((0x8086, (int?)0x51b3), db.Lookup("Intel Corporation Alder Lake PCI Express Root Port #12 (rev 01)"));
        // Names that differ only in punctuation, with no ordinal anywhere: the loose index's ambiguity, no candidates.
        Assert.Equal((0x8086, (int?)null), db.Lookup("Intel Corporation Widget Port."));
        Assert.Null(db.Unnumbered("Intel Corporation Widget Port."));
        Assert.Null(db.Unnumbered("NVIDIA Corporation Alder Lake PCI Express Root Port"));
    }

    [Fact]
    public void The_bundled_subset_keeps_every_device_of_a_kept_devices_unnumbered_form()
    {
        // 51b0 has pci-capabilities rows; 51b3, named alike but for its ordinal, must be in the subset too,
        // or a name without the ordinal would look as if it could only be 51b0.
        var db = PciIdsDatabase.Bundled();
        Assert.Equal([0x51b0, 0x51b3], db.Unnumbered("Intel Corporation Alder Lake PCI Express Root Port (rev 01)")!.Value.Devices.ToArray());
    }

    private static ImportResult ImportAlderLakePort(PciIdsDatabase names)
    {
        const string Ports = """
            00:1d.0 PCI bridge: Intel Corporation Alder Lake PCI Express Root Port (rev 01) (prog-if 00 [Normal decode])
            01:00.0 SATA controller: ASMedia Technology Inc. Device 1164 (rev 02) (prog-if 01 [AHCI 1.0])
            """;
        var dump = LspciDump.Read([("lspci.txt", Ports)]);
        return MachineImporter.Import(ImportInputs.FromLspci("t", dump, null, null, null) with { Names = names });
    }

    [Fact]
    public void Candidates_that_give_the_same_answers_decide_the_device()
    {
        // 51b0 and 51b3 both have pci-capabilities rows (root port, ACS) and the same quirk rows: either gives the port ACS.
        var result = ImportAlderLakePort(PciIdsDatabase.Bundled());
        var m = result.Machine;
        var port = m.Devices[m.DeviceIndex("0000:00:1d.0")].Pci!;
        Assert.Equal(0x51b0, port.Ids!.Device);
        Assert.Equal(AcsFlags.Required, port.Acs);
        var guess = Assert.Single(result.Guesses, g => g.Subject == "device 0000:00:1d.0" && g.Text.Contains("trailing ` #N`", StringComparison.Ordinal));
        Assert.Contains("8086:51b0", guess.Text);
        Assert.Contains("8086:51b3", guess.Text);
        Assert.Contains("does not matter", guess.Text);
    }

    [Fact]
    public void Candidates_that_differ_leave_the_device_undecided()
    {
        // A pci.ids in which the port's form is also 51b1's: 51b1 has no pci-capabilities row, so which one it is matters.
        var db = PciIdsDatabase.Parse("8086  Intel Corporation\n\t51b0  Alder Lake PCI Express Root Port #9\n\t51b1  Alder Lake PCI Express Root Port #10\n");
        var result = ImportAlderLakePort(db);
        var m = result.Machine;
        var index = m.DeviceIndex("0000:00:1d.0");
        var port = m.Devices[index].Pci!;
        Assert.Equal(0x8086, port.Ids!.Vendor);
        Assert.Null(port.Ids.Device);
        Assert.Equal(AcsFlags.None, port.Acs);
        var guess = Assert.Single(result.Guesses, g => g.Subject == "device 0000:00:1d.0" && g.Text.Contains("trailing ` #N`", StringComparison.Ordinal));
        Assert.Contains("could not be decided", guess.Text);
        Assert.Contains("8086:51b1 no row", guess.Text);
        // The quirks matched by device ID are listed as undecided, as for any name pci.ids lacks.
        Assert.Contains(result.Guesses, g => g.Subject == "device 0000:00:1d.0" && g.Text.StartsWith("kernel quirks", StringComparison.Ordinal)
            && g.Text.Contains("pci_quirk_intel_pch_acs", StringComparison.Ordinal));
    }
}
