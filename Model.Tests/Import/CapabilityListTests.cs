using Checker.Model.Import;

namespace Checker.Model.Tests.Import;

/// <summary>A verbose block without any capability line: a function with no capability list, so conventional PCI.</summary>
public class CapabilityListTests
{
    private const string NonRootVerbose =
        "00:01.0 Host bridge [0600]: Advanced Micro Devices, Inc. [AMD] Starship/Matisse PCIe Dummy Host Bridge [1022:1482]\n"
        + "\tFlags: fast devsel\n\n"
        + "00:01.1 PCI bridge [0604]: Advanced Micro Devices, Inc. [AMD] Starship/Matisse GPP Bridge [1022:1483] (prog-if 00 [Normal decode])\n"
        + "\tFlags: bus master, fast devsel, latency 0, IRQ 25\n"
        + "\tBus: primary=00, secondary=01, subordinate=01, sec-latency=0\n"
        + "\tCapabilities: <access denied>\n"
        + "\tKernel driver in use: pcieport\n\n"
        + "00:14.3 ISA bridge [0601]: Advanced Micro Devices, Inc. [AMD] FCH LPC Bridge [1022:790e] (rev 51)\n"
        + "\tSubsystem: ASRock Incorporation FCH LPC Bridge [1849:790e]\n"
        + "\tFlags: bus master, 66MHz, medium devsel, latency 0\n\n"
        + "01:00.0 Non-Volatile memory controller [0108]: ADATA Technology Co., Ltd. XPG SX8200 Pro [1cc1:8201] (rev 03) (prog-if 02 [NVM Express])\n"
        + "\tFlags: bus master, fast devsel, latency 0, IRQ 40, NUMA node 0\n"
        + "\tCapabilities: <access denied>\n"
        + "\tKernel driver in use: nvme\n";

    private static VerboseDevice At(IReadOnlyDictionary<Bdf, VerboseDevice> listing, int bus, int slot, int function) =>
        listing[new Bdf(0, bus, slot, function)];

    [Fact]
    public void A_non_root_lspci_v_block_without_a_capabilities_line_has_no_capability_list()
    {
        var listing = LspciListing.Parse("v.txt", NonRootVerbose);
        Assert.True(At(listing, 0, 1, 0).NoCapabilityList);
        Assert.True(At(listing, 0, 0x14, 3).NoCapabilityList);
        // <access denied> is printed only for a function whose status register has the capability-list bit.
        Assert.False(At(listing, 0, 1, 1).NoCapabilityList);
        Assert.False(At(listing, 1, 0, 0).NoCapabilityList);
    }

    [Fact]
    public void A_flat_nnk_listing_says_nothing_about_capability_lists()
    {
        var listing = LspciListing.Parse("k.txt",
            "00:14.3 ISA bridge [0601]: Advanced Micro Devices, Inc. [AMD] FCH LPC Bridge [1022:790e] (rev 51)\n"
            + "\tSubsystem: ASRock Incorporation FCH LPC Bridge [1849:790e]\n\tKernel modules: i2c_piix4\n");
        Assert.False(At(listing, 0, 0x14, 3).NoCapabilityList);
        Assert.False(At(listing, 0, 0x14, 3).CapabilitiesShown);
    }

    [Theory]
    [InlineData("Cap-", true)]
    [InlineData("Cap+", false)]
    public void Lspci_vv_says_it_in_the_status_line(string cap, bool none)
    {
        var listing = LspciListing.Parse("vv.txt",
            "00:14.0 SMBus [0c05]: Advanced Micro Devices, Inc. [AMD] FCH SMBus Controller [1022:790b] (rev 61)\n"
            + "\tControl: I/O+ Mem+ BusMaster- SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx+\n"
            + $"\tStatus: {cap} 66MHz+ UDF- FastB2B- ParErr- DEVSEL=medium >TAbort- <TAbort- <MAbort- >SERR- <PERR- INTx-\n");
        Assert.Equal(none, At(listing, 0, 0x14, 0).NoCapabilityList);
    }

    [Fact]
    public void The_import_makes_a_function_without_a_capability_list_conventional_and_says_why()
    {
        var dir = Directory.CreateTempSubdirectory("checker-nocap-").FullName;
        try
        {
            var input = Path.Combine(dir, "v.txt");
            File.WriteAllText(input, NonRootVerbose);
            var output = Path.Combine(dir, "m.yaml");
            var (exit, _, err) = Fixtures.Run("import", "--lspci", input, "-o", output);
            Assert.True(exit == 0, err);
            Assert.Contains("device 0000:00:14.3: type legacy-pci: the dump shows no capability list", err);
            var m = Checker.Model.Scenario.ScenarioLoader.Load(output, File.ReadAllText(output));
            Assert.Equal(Checker.Model.State.PcieType.LegacyPci, m.Devices[m.DeviceIndex("0000:00:01.0")].Pci!.Type);
            Assert.Equal(Checker.Model.State.PcieType.RootPort, m.Devices[m.DeviceIndex("0000:00:01.1")].Pci!.Type);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
