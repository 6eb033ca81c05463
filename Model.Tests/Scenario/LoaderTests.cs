using Checker.Model.Events;
using Checker.Model.Scenario;
using Checker.Model.State;
using static Checker.Model.Tests.Scenario.ScenarioText;

namespace Checker.Model.Tests.Scenario;

/// <summary>What a valid scenario turns into: defaults, number formats, variants and script events.</summary>
public class LoaderTests
{
    private static Machine Load(string text) => ScenarioLoader.Load("some-dir/my-machine.yaml", text);

    [Theory]
    [InlineData("84.3", 84_300_000L)]
    [InlineData("84", 84_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("0.000001", 1L)]
    [InlineData("292.4", 292_400_000L)]
    [InlineData("10000000", 10_000_000_000_000L)]
    [InlineData("10000000.000000", 10_000_000_000_000L)]
    public void At_seconds_are_parsed_exactly_to_microseconds(string at, long micros)
    {
        var m = Load(With(20, $"  - {{ at: {at}, do: wait }}"));
        Assert.Equal(micros, m.Script[1].AtMicros);
        Assert.IsType<DeferredWork>(m.Script[1].Event);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.0000001")]
    [InlineData("10000001")]
    [InlineData("10000000.000001")]
    [InlineData("10000000.999999")]
    [InlineData("1e3")]
    [InlineData("\"84.3\"")]
    public void At_that_is_not_plain_non_negative_seconds_is_rejected(string at)
    {
        Fails(With(20, $"  - {{ at: {at}, do: wait }}"), 20, "script[1].at");
    }

    [Theory]
    [InlineData("on", FwDevlinkVariant.On)]
    [InlineData("off", FwDevlinkVariant.Off)]
    [InlineData("\"on\"", FwDevlinkVariant.On)]
    [InlineData("true", FwDevlinkVariant.On)]
    [InlineData("false", FwDevlinkVariant.Off)]
    [InlineData("On", FwDevlinkVariant.On)]
    public void Fw_devlink_accepts_bare_yaml_booleans(string value, FwDevlinkVariant expected)
    {
        var m = Load(Join(["kernel:", "  arch: arm64", "  variants:", $"    fw-devlink: {value}", .. Valid[2..]]));
        Assert.Equal(expected, m.Variants.FwDevlink);
    }

    [Fact]
    public void Variants_are_read_with_the_cli_vocabulary()
    {
        var m = Load(Join(["kernel:", "  arch: arm", "  variants: { groups: walk-down, teardown: clear-owned, mask: mask-max }", .. Valid[2..]]));
        Assert.Equal(Variants.Default with { Groups = GroupsVariant.WalkDown, Teardown = TeardownVariant.ClearOwned, Mask = MaskVariant.MaskMax },
            m.Variants);
        Assert.Equal(Arch.Arm, m.Arch);
    }

    [Fact]
    public void Name_defaults_to_the_file_name_without_extension()
    {
        Assert.Equal("my-machine", Load(Text).Name);
        Assert.Equal("given", Load("name: given\n" + Text).Name);
    }

    [Fact]
    public void Device_defaults_are_those_of_the_format()
    {
        var d = Load(Text).Devices[1];
        Assert.Equal((false, 32, true, (DmaRange?)null, new SourceLine(9)), (d.Coherent, d.CoherentMaskBits, d.PresentAtBoot, d.DmaRanges, d.Source));
        Assert.Equal(Firmware.Dt, d.Firmware);
    }

    [Fact]
    public void Dma_ranges_and_mask_accept_hex_and_decimal()
    {
        var m = Load(With(9, "  - { name: dma-dev, bus: platform, firmware: dt, dma-ranges: { base: 0x80000000, size: 4294967296 }, coherent-mask: 64 }"));
        Assert.Equal(new DmaRange(0x8000_0000, 0x1_0000_0000), m.Devices[1].DmaRanges);
        Assert.Equal(64, m.Devices[1].CoherentMaskBits);
    }

    [Fact]
    public void Pci_fields_are_read_into_pci_info()
    {
        var m = Load(With(11, "  - { name: \"0000:01:00.0\", bus: pci, parent: \"0000:00:00.0\", type: legacy-pci, multifunction: true, acs: [SV, RR, CR, UF], acs-quirk: true, dma-alias-of: [\"0000:01:00.1\"] }"));
        var pci = m.Devices[3].Pci!;
        Assert.Equal((PcieType.LegacyPci, AcsFlags.Required, true), (pci.Type, pci.Acs, pci.AcsQuirk));
        Assert.Equal([4], pci.DmaAliasOf.ToArray());
        Assert.Equal((0, 1, 0), (pci.Domain, pci.BusNumber, pci.Devfn));
    }

    [Fact]
    public void Drivers_default_to_builtin_at_device_initcall_in_list_order()
    {
        var m = Load(Text);
        Assert.Equal(new DriverArrival(true, InitcallLevel.Device, 1), m.Drivers[1].Arrival);
        Assert.Equal(DriverArrival.Module(), m.Drivers[3].Arrival);
        Assert.Equal(ProbeBehaviour.Succeeds, m.Drivers[0].Probe);
    }

    [Fact]
    public void Initcall_link_order_and_probe_behaviours_are_read()
    {
        var m = Load(Join([
            .. Valid[..13],
            "  - { name: arm-smmu, bus: platform, matches: [smmu-dev], initcall: subsys, link-order: 7, probe: { fail: -ENOMEM } }",
            "  - { name: pl330, bus: platform, matches: [dma-dev], probe: { defer-until-bound: smmu-dev }, arm-iommu-attach: true }",
            .. Valid[15..]]));
        Assert.Equal(new DriverArrival(true, InitcallLevel.Subsys, 7), m.Drivers[0].Arrival);
        Assert.Equal(new ProbeBehaviour.FailsWith(Errno.ENOMEM), m.Drivers[0].Probe);
        Assert.Equal(new ProbeBehaviour.DefersUntilBound(0), m.Drivers[1].Probe);
        Assert.True(m.Drivers[1].ArmIommuAttach);
    }

    [Fact]
    public void Module_driver_with_a_link_order_is_rejected()
    {
        Fails(With(17, "  - { name: nic, bus: pci, matches: [\"0000:01:00.0\"], arrival: module, link-order: 3 }"), 17, "drivers[3].link-order");
    }

    [Fact]
    public void Every_script_action_builds_its_event()
    {
        var m = Load(Join([.. Valid[..19],
            "  - { at: 1, do: modprobe, driver: nic }",
            "  - { at: 2, do: sriov-enable, pf: \"0000:01:00.0\", count: 1 }",
            "  - { do: fail-next-probe, dev: dma-dev, errno: -ENOMEM }",
            "  - { do: fail-next-attach, dev: dma-dev }",
            "  - { do: fail-domain-alloc, iommu: smmu0 }",
            "  - { do: unbind, dev: dma-dev }",
            "  - { do: bind, dev: dma-dev, driver: pl330 }",
            "  - { do: hot-remove, dev: \"0000:01:00.0\" }",
            "  - { do: hot-add, dev: \"0000:01:00.0\" }",
            "  - { do: wait }",
            "  - { at: 3, do: rmmod, driver: nic }"]));
        Assert.Equal(
            ["boot", "modprobe nic", "sriov-enable 0000:01:00.0 1", "fail-next-probe dma-dev -ENOMEM", "fail-next-attach dma-dev",
             "fail-domain-alloc smmu0", "unbind dma-dev", "bind dma-dev pl330", "hot-remove 0000:01:00.0",
             "hot-add 0000:01:00.0", "deferred-work", "rmmod nic"],
            m.Script.Select(a => EventText.Format(m, a.Event)));
        Assert.Equal(new SourceLine(21), m.Script[2].Source);
    }

    [Fact]
    public void X86_iommus_have_no_device_or_driver()
    {
        var m = Load(Join(["kernel: { arch: x86 }", "iommus:", "  - { name: dmar0 }",
            "host-bridges: [{ domain: \"0000\", root-bus: \"00\", firmware: acpi, iommu: dmar0 }]",
            "devices: [{ name: \"0000:00:1f.0\", bus: pci, type: legacy-pci }]"]));
        Assert.Equal(new IommuSpec(0, "dmar0", null, null, null, false, new SourceLine(3)), m.Iommus[0]);
        Assert.Equal((0x1f << 3, (int?)0), (m.Devices[0].Pci!.Devfn, m.Devices[0].Iommu));
        Assert.Empty(m.Drivers);
        Assert.Empty(m.Script);
    }

    [Fact]
    public void X86_iommu_with_a_device_is_rejected()
    {
        Fails(Join(["kernel: { arch: x86 }", "iommus:", "  - { name: dmar0, device: x }"]), 3, "iommus[0].device");
    }
}
