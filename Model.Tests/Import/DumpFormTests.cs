using Checker.Model.Import;

namespace Checker.Model.Tests.Import;

/// <summary>The groups and dmesg forms people paste, and malformed input of every form at the CLI.</summary>
public class DumpFormTests
{
    [Fact]
    public void Ls_l_of_the_iommu_groups_is_read_under_its_headings()
    {
        var text = "$ ls -l /sys/kernel/iommu_groups/*/devices\n/sys/kernel/iommu_groups/0/devices:\ntotal 0\n"
            + "lrwxrwxrwx 1 root root 0 Feb  4 10:29 0000:00:00.0 -> ../../../../devices/pci0000:00/0000:00:00.0\n"
            + "/sys/kernel/iommu_groups/10/devices:\ntotal 0\n"
            + "lrwxrwxrwx 1 root root 0 Feb  4 10:29 0000:00:1f.0 -> ../../../../devices/pci0000:00/0000:00:1f.0\n"
            + "lrwxrwxrwx 1 root root 0 Feb  4 10:29 0000:00:1f.3 -> ../../../../devices/pci0000:00/0000:00:1f.3\n";
        var groups = IommuGroupsListing.Parse("ls.txt", text);
        Assert.Equal(["0000:00:00.0"], groups[0].ToArray());
        Assert.Equal(["0000:00:1f.0", "0000:00:1f.3"], groups[10].ToArray());
    }

    [Fact]
    public void The_iommu_group_listing_is_read_in_both_of_its_layouts()
    {
        var text = "IOMMU Group 1:\n\t00:01.0 PCI bridge [0604]: Intel Corporation Device [8086:1901] (rev 07)\n\t01:00.0 VGA compatible controller [0300]: NVIDIA Corporation Device [10de:2191] (rev a1)\n"
            + "IOMMU Group 2 00:14.0 USB controller [0c03]: Intel Corporation Device [8086:a36d] (rev 10)\n";
        var groups = IommuGroupsListing.Parse("g.txt", text);
        Assert.Equal(["0000:00:01.0", "0000:01:00.0"], groups[1].ToArray());
        Assert.Equal(["0000:00:14.0"], groups[2].ToArray());
    }

    [Fact]
    public void The_reset_marking_variant_of_the_group_listing_is_read_without_its_marks()
    {
        // The group script that prints "[RESET]" before each function with a reset file, then a tab and
        // `lspci -nns` (a Minisforum UM880 Pro's listing, docs/machines.md, fourth round).
        var text = "root@pve:~# for iommu_group in $(find /sys/kernel/iommu_groups/ -maxdepth 1 -mindepth 1 -type d);do echo \"IOMMU group $(basename \"$iommu_group\")\"; "
            + "for device in $(\\ls -1 \"$iommu_group\"/devices/); do if [[ -e \"$iommu_group\"/devices/\"$device\"/reset ]]; then echo -n \"[RESET]\"; fi; echo -n $'\\t';lspci -nns \"$device\"; done; done\n"
            + "IOMMU group 7\n"
            + "\t00:04.0 Host bridge [0600]: Advanced Micro Devices, Inc. [AMD] Phoenix Dummy Host Bridge [1022:14ea]\n"
            + "[RESET]\t00:04.1 PCI bridge [0604]: Advanced Micro Devices, Inc. [AMD] Family 19h USB4/Thunderbolt PCIe tunnel [1022:14ef]\n"
            + "IOMMU group 14\n"
            + "[RESET]\t01:00.0 Non-Volatile memory controller [0108]: Micron/Crucial Technology P310 NVMe PCIe SSD (DRAM-less) [c0a9:5426] (rev 01)\n";
        var groups = IommuGroupsListing.Parse("g.txt", text);
        Assert.Equal(["0000:00:04.0", "0000:00:04.1"], groups[7].ToArray());
        Assert.Equal(["0000:01:00.0"], groups[14].ToArray());
        var devices = LspciListing.Parse("g.txt", text);
        Assert.Equal(0x1022, devices[new Bdf(0, 0, 4, 1)].Vendor);
        Assert.Equal(0x14ef, devices[new Bdf(0, 0, 4, 1)].Device);
        Assert.Equal(0x060400, devices[new Bdf(0, 0, 4, 1)].ClassCode);
    }

    [Fact]
    public void A_tree_pasted_with_the_group_listing_is_skipped_and_a_file_without_groups_is_an_error()
    {
        // `lspci -tvnn` and the group listing in one paste, as the UM880 Pro's notes have them (docs/machines.md, fourth round).
        var tree = "-[0000:00]-+-00.0  Advanced Micro Devices, Inc. [AMD] Phoenix Root Complex [1022:14e8]\n"
            + "           \\-02.4-[01]----00.0  Micron/Crucial Technology P310 NVMe PCIe SSD (DRAM-less) [c0a9:5426]\n";
        var listing = "IOMMU Group 3 00:02.4 PCI bridge [0604]: Advanced Micro Devices, Inc. [AMD] Phoenix GPP Bridge [1022:14ee]\n"
            + "IOMMU Group 14 01:00.0 Non-Volatile memory controller [0108]: Micron/Crucial Technology P310 NVMe PCIe SSD (DRAM-less) [c0a9:5426] (rev 01)\n";
        var groups = IommuGroupsListing.Parse("both.txt", "root@pve:~# lspci -tvnn\n" + tree + "\nroot@pve:~# ./iommu.sh\n" + listing);
        Assert.Equal([3, 14], groups.Keys.ToArray());
        Assert.Equal(["0000:01:00.0"], groups[14].ToArray());
        var onlyTree = Assert.Throws<ImportException>(() => IommuGroupsListing.Parse("tree.txt", tree));
        Assert.Contains("only an `lspci -t` tree", onlyTree.Message);
        var noGroups = Assert.Throws<ImportException>(() => IommuGroupsListing.Parse("nn.txt",
            "00:02.4 PCI bridge [0604]: Advanced Micro Devices, Inc. [AMD] Phoenix GPP Bridge [1022:14ee]\n"));
        Assert.Contains("without `IOMMU group` lines", noGroups.Message);
    }

    [Fact]
    public void Lspci_v_gives_the_group_at_the_end_of_its_flags_line()
    {
        // `lspci -v` prints the group as the last item of `Flags:` (show_verbose() in pciutils' lspci.c,
        // v3.7.0 on); -vv prints an `IOMMU group: N` line instead. Lines of an HP Spectre x360 14t-ea100's
        // `lspci -v` (docs/machines.md, fourth round).
        var text = "# lspci -v\n"
            + "0000:00:0d.0 USB controller: Intel Corporation Tiger Lake-LP Thunderbolt 4 USB Controller (rev 02) (prog-if 30 [XHCI])\n"
            + "\tSubsystem: Hewlett-Packard Company Device 89db\n"
            + "\tFlags: bus master, medium devsel, latency 0, IRQ 127, IOMMU group 6\n"
            + "\tMemory at 603f280000 (64-bit, non-prefetchable) [size=64K]\n\n"
            + "0000:00:0d.2 USB controller: Intel Corporation Tiger Lake-LP Thunderbolt 4 NHI #0 (rev 02) (prog-if 40 [USB4 Host Interface])\n"
            + "\tFlags: bus master, fast devsel, latency 0, IRQ 16, IOMMU group 6\n\n"
            + "0000:00:1d.0 System peripheral: Intel Corporation Device 09ab\n"
            + "\tFlags: fast devsel, IOMMU group 14\n\n"
            + "0000:00:1f.5 Serial bus controller: Intel Corporation Tiger Lake-LP SPI Controller (rev 30)\n"
            + "\tFlags: fast devsel\n";
        var groups = IommuGroupsListing.Parse("v.txt", text);
        Assert.Equal([6, 14], groups.Keys.ToArray());
        Assert.Equal(["0000:00:0d.0", "0000:00:0d.2"], groups[6].ToArray());
        Assert.Equal(["0000:00:1d.0"], groups[14].ToArray());
    }

    [Fact]
    public void Dmesg_T_and_journalctl_k_give_the_same_group_lines_and_version()
    {
        var human = "[Tue Sep  2 23:31:49 2025] Linux version 6.12.41+deb13-amd64 (debian-kernel@lists.debian.org)\n"
            + "[Tue Sep  2 23:31:50 2025] pci 0000:00:00.0: Adding to iommu group 0\n";
        var journal = "-- Logs begin at Tue 2025-09-02 23:31:49 CEST. --\nSep 02 23:31:49 nuc kernel: Linux version 6.12.41+deb13-amd64 (debian-kernel@lists.debian.org)\n"
            + "Sep 02 23:31:50 nuc kernel: pci 0000:00:00.0: Adding to iommu group 0\n";
        foreach (var text in new[] { human, journal })
        {
            var log = DmesgLog.Parse("log", text);
            Assert.Equal("6.12.41+deb13-amd64", log.KernelVersion);
            var line = Assert.Single(log.GroupLines);
            Assert.Equal(("0000:00:00.0", 0, 1_000_000L), (line.Device, line.Group, line.Micros));
        }
    }

    [Theory]
    [InlineData("00:00.0 Host bridge: Intel\nthis is not lspci\n", "paste.txt:2:", "expected an lspci device line")]
    [InlineData("hello\n", "paste.txt:1:", "expected lspci output")]
    [InlineData("-[0000:00]-+-00.0  Host\n           \\-2g.0  Garbage\n", "paste.txt:2:", "expected `lspci -t` tree art")]
    [InlineData("00:01.0 PCI bridge: Intel\n\tBus: primary=00, secondary=zz\n", "paste.txt:2:", "expected a bus line")]
    [InlineData("Slot:\t00:00.0\nClass:\tHost bridge\n", "paste.txt:1:", "-vmm machine-readable form is not read")]
    [InlineData("00:1c.0/00.0 Network controller: Intel\n", "paste.txt:1:", "use -PP")]
    public void Every_malformed_lspci_form_exits_2_with_file_line_and_what_was_expected(string text, string where, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("checker-malformed-").FullName;
        try
        {
            var input = Path.Combine(dir, "paste.txt");
            File.WriteAllText(input, text);
            var output = Path.Combine(dir, "m.yaml");
            var (exit, _, err) = Fixtures.Run("import", "--lspci", input, "-o", output);
            Assert.Equal(2, exit);
            Assert.Contains(where, err);
            Assert.Contains(expected, err);
            Assert.False(File.Exists(output));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_flat_lspci_nnk_imports_with_its_drivers_and_guesses_never_exit_3()
    {
        var dir = Directory.CreateTempSubdirectory("checker-nnk-").FullName;
        try
        {
            var input = Path.Combine(dir, "nnk.txt");
            File.WriteAllText(input, string.Join("\n", Fixtures.Text("import/nuc-lspci-vv-nonroot.txt").Split('\n')
                .Where(l => !l.Contains("IOMMU group:", StringComparison.Ordinal) && !l.Contains("Bus:", StringComparison.Ordinal) && !l.Contains("Capabilities", StringComparison.Ordinal))));
            var output = Path.Combine(dir, "m.yaml");
            var (exit, _, err) = Fixtures.Run("import", "--lspci", input, "-o", output);
            Assert.True(exit == 0, err);
            var yaml = File.ReadAllText(output);
            Assert.Contains("# guess: its secondary bus 3b is inferred from the bus numbers", yaml);
            Assert.Contains("name: \"nvme\"", yaml);
            Assert.Contains("checker: import: guess: machine: the listing has no capability lists", err);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
