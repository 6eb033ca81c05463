using Checker.Model.State;
using Checker.Model.Topology;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Topology;

/// <summary>
/// Acs.Enabled against pci_acs_enabled(pdev, REQ_ACS_FLAGS) in drivers/pci/pci.c (docs/semantics.md,
/// "Groups"), one row per PCIe type.
/// </summary>
public class AcsTests
{
    private const AcsFlags All = AcsFlags.Required;
    /// <summary>Three of the four REQ_ACS_FLAGS: not enough (no upstream forwarding).</summary>
    private const AcsFlags NoUpstreamForwarding = AcsFlags.SourceValidation | AcsFlags.RequestRedirect | AcsFlags.CompletionRedirect;

    private static DeviceSpec Function(PcieType type, bool multifunction, AcsFlags acs, bool quirk = false, bool vf = false) =>
        new(0, "0000:01:00.0", BusKind.Pci, Firmware.Acpi, 0, false, null, 32, true,
            new PciInfo(0, 1, 0, null, type, multifunction, acs, quirk, [], vf ? 1 : null), SourceLine.None);

    [Theory]
    // Conventional PCI and the bridges whose primary side is PCI never isolate, whatever they claim.
    [InlineData(PcieType.LegacyPci, false, All)]
    [InlineData(PcieType.LegacyPci, true, All)]
    [InlineData(PcieType.PciBridge, false, All)]
    [InlineData(PcieType.PcieToPciBridge, false, All)]
    [InlineData(PcieType.PcieToPciBridge, true, All)]
    [InlineData(PcieType.PciToPcieBridge, false, All)]
    // "PCIe 3.0, 6.12.1 excludes ACS on these devices": root complex event collectors.
    [InlineData(PcieType.RcEventCollector, false, All)]
    [InlineData(PcieType.RcEventCollector, true, All)]
    public void Types_without_ACS_never_isolate(PcieType type, bool multifunction, AcsFlags acs) =>
        Assert.False(Acs.Enabled(Function(type, multifunction, acs)));

    [Theory]
    [InlineData(PcieType.RootPort, false, AcsFlags.None, false)]
    [InlineData(PcieType.RootPort, false, NoUpstreamForwarding, false)]
    [InlineData(PcieType.RootPort, false, AcsFlags.UpstreamForwarding, false)]
    [InlineData(PcieType.RootPort, false, All, true)]
    [InlineData(PcieType.RootPort, true, AcsFlags.None, false)]
    [InlineData(PcieType.RootPort, true, All, true)]
    [InlineData(PcieType.DownstreamPort, false, AcsFlags.None, false)]
    [InlineData(PcieType.DownstreamPort, false, NoUpstreamForwarding, false)]
    [InlineData(PcieType.DownstreamPort, false, All, true)]
    [InlineData(PcieType.DownstreamPort, true, All, true)]
    public void Root_and_downstream_ports_isolate_only_with_all_four_flags_single_function_or_not(
        PcieType type, bool multifunction, AcsFlags acs, bool expected) =>
        Assert.Equal(expected, Acs.Enabled(Function(type, multifunction, acs)));

    [Theory]
    [InlineData(PcieType.Endpoint)]
    [InlineData(PcieType.RcIntegratedEndpoint)]
    [InlineData(PcieType.UpstreamPort)]
    public void Single_function_endpoints_and_upstream_ports_are_treated_as_isolated(PcieType type)
    {
        Assert.True(Acs.Enabled(Function(type, multifunction: false, AcsFlags.None)));
        Assert.True(Acs.Enabled(Function(type, multifunction: false, All)));
    }

    [Theory]
    [InlineData(PcieType.Endpoint, AcsFlags.None, false)]
    [InlineData(PcieType.Endpoint, NoUpstreamForwarding, false)]
    [InlineData(PcieType.Endpoint, All, true)]
    [InlineData(PcieType.RcIntegratedEndpoint, AcsFlags.None, false)]
    [InlineData(PcieType.RcIntegratedEndpoint, All, true)]
    [InlineData(PcieType.UpstreamPort, AcsFlags.None, false)]
    [InlineData(PcieType.UpstreamPort, NoUpstreamForwarding, false)]
    [InlineData(PcieType.UpstreamPort, All, true)]
    public void Multifunction_endpoints_and_upstream_ports_isolate_only_with_all_four_flags(PcieType type, AcsFlags acs, bool expected) =>
        Assert.Equal(expected, Acs.Enabled(Function(type, multifunction: true, acs)));

    [Fact]
    public void A_VF_is_treated_like_a_single_function_endpoint() =>
        Assert.True(Acs.Enabled(Function(PcieType.Endpoint, multifunction: true, AcsFlags.None, vf: true)));

    [Theory]
    [InlineData(PcieType.RootPort)]
    [InlineData(PcieType.DownstreamPort)]
    [InlineData(PcieType.UpstreamPort)]
    [InlineData(PcieType.Endpoint)]
    [InlineData(PcieType.RcIntegratedEndpoint)]
    [InlineData(PcieType.LegacyPci)]
    [InlineData(PcieType.PciBridge)]
    [InlineData(PcieType.PcieToPciBridge)]
    [InlineData(PcieType.PciToPcieBridge)]
    [InlineData(PcieType.RcEventCollector)]
    public void An_ACS_quirk_isolates_every_type_without_any_flag(PcieType type) =>
        Assert.True(Acs.Enabled(Function(type, multifunction: true, AcsFlags.None, quirk: true)));

    [Fact]
    public void Every_PCIe_type_has_a_row_above()
    {
        // Guards the table: a new PcieType must get its own rows in these tests.
        Assert.Equal(10, Enum.GetValues<PcieType>().Length);
    }

    [Theory]
    [InlineData(PcieType.PcieToPciBridge, true)]
    [InlineData(PcieType.PciToPcieBridge, true)]
    [InlineData(PcieType.PciBridge, true)]
    [InlineData(PcieType.LegacyPci, true)]
    [InlineData(PcieType.RootPort, false)]
    [InlineData(PcieType.UpstreamPort, false)]
    [InlineData(PcieType.DownstreamPort, false)]
    public void Only_PCI_bridges_take_over_the_requester_ID_of_devices_below(PcieType type, bool expected) =>
        Assert.Equal(expected, Acs.TakesOverRequesterId(type));

    [Fact]
    public void ACS_path_needs_every_bridge_up_to_the_root_bus()
    {
        var m = PciTopologies.Switch.Builder().Build();
        // 02:00.0 has ACS, its upstream port is single-function, the root port has ACS.
        Assert.True(Acs.PathEnabled(m, m.DeviceIndex("0000:02:00.0")));
        // 02:01.0 has no ACS itself.
        Assert.False(Acs.PathEnabled(m, m.DeviceIndex("0000:02:01.0")));

        var d05 = PciTopologies.NonAcsRootPortMultifunction.Builder().Build();
        // A single-function endpoint would be isolated, but a multifunction one without ACS is not.
        Assert.False(Acs.PathEnabled(d05, d05.DeviceIndex("0000:01:00.0")));
        Assert.False(Acs.PathEnabled(d05, d05.DeviceIndex("0000:00:00.0")));
    }
}
