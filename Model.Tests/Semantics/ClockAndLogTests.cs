using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exploration;

namespace Checker.Model.Tests.Semantics;

/// <summary>
/// The logical clock and the boot log (docs/semantics.md, "Events" and "The boot log"):
/// timestamps, the dmesg form, group removal and id reuse, a refused rmmod.
/// </summary>
public class ClockAndLogTests
{
    [Fact]
    public void Every_event_advances_the_clock_a_millisecond_and_every_line_a_microsecond()
    {
        var m = D05.Builtin();
        var w = Kernel.Boot(m);
        foreach (var e in Runner.ScriptEvents(m))
        {
            var next = Kernel.Step(w, e.Event, e.AtMicros);
            long start = w.Clock + 1000;
            var lines = next.Log.Skip(w.Log.Count).Select(l => l.Micros).ToList();
            Assert.NotEmpty(lines);
            Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => start + i), lines);
            Assert.Equal(start + lines.Count, next.Clock);
            w = next;
        }
    }

    [Fact]
    public void The_first_line_of_the_first_event_is_stamped_one_millisecond_and_one_microsecond()
    {
        var m = new MachineBuilder().Platform("2b000000.ethernet").Build();
        var w = Steps.Run(m, "add 2b000000.ethernet");
        var line = Assert.Single(w.Log);
        Assert.Equal(1001, line.Micros);
        Assert.Equal("[    0.001001] checker: add 2b000000.ethernet", line.Format());
        Assert.Equal(1001, w.Clock);
    }

    [Fact]
    public void An_at_time_moves_the_clock_to_it()
    {
        var m = D05.Builtin();
        var w = Steps.Run(m, [.. Kernel.BootEvents(m).Select(e => Events.EventText.Format(m, e))]);
        Assert.True(w.Clock < 84_300_000);
        int before = w.Log.Count;
        w = Steps.Apply(w, "sriov-enable 000a:11:00.0 2", atMicros: 84_300_000);
        var added = w.Log.Skip(before).ToList();
        Assert.Equal("[   84.300001] checker: sriov-enable 000a:11:00.0 2", added[0].Format());
        Assert.Equal(84_300_000 + added.Count, w.Clock);
        // The next event without a time is one millisecond later.
        w = Steps.Apply(w, "fail-next-attach 000a:11:00.0");
        Assert.Equal(84_300_000 + added.Count + 1000 + 1, w.Clock);
    }

    [Theory]
    [InlineData(0L, "[    0.000000] x")]
    [InlineData(1_001L, "[    0.001001] x")]
    [InlineData(84_300_001L, "[   84.300001] x")]
    [InlineData(1_234_567_890L, "[ 1234.567890] x")]
    [InlineData(99_999_999_999L, "[99999.999999] x")]
    public void LogLine_formats_seconds_right_aligned_in_five_columns_and_six_digits_of_microseconds(long micros, string expected) =>
        Assert.Equal(expected, new LogLine(micros, LogLevel.Info, "x").Format());

    /// <summary>Two ACS root ports; below the first a two-function endpoint with ACS, below the second one endpoint.</summary>
    private static Machine TwoRootPorts() =>
        new MachineBuilder(Arch.Arm64)
            .Iommu("smmu0", "arm-smmu-v3.0.auto", "arm-smmu-v3")
            .Platform("arm-smmu-v3.0.auto", Firmware.Acpi)
            .HostBridge("0000", "00", Firmware.Acpi, "smmu0")
            .Pci("0000:00:01.0", PcieType.RootPort, acs: AcsFlags.Required)
            .Pci("0000:01:00.0", PcieType.Endpoint, "0000:00:01.0", multifunction: true, acs: AcsFlags.Required)
            .Pci("0000:01:00.1", PcieType.Endpoint, "0000:00:01.0", multifunction: true, acs: AcsFlags.Required)
            .Pci("0000:00:02.0", PcieType.RootPort, acs: AcsFlags.Required)
            .Pci("0000:02:00.0", PcieType.Endpoint, "0000:00:02.0")
            .Driver("arm-smmu-v3", BusKind.Platform, ["arm-smmu-v3.0.auto"])
            .Driver("pcieport", BusKind.Pci, ["0000:00:01.0", "0000:00:02.0"])
            .Driver("nvme", BusKind.Pci, ["0000:01:00.0", "0000:01:00.1", "0000:02:00.0"])
            .Build();

    [Fact]
    public void Hot_remove_takes_children_out_first_with_the_bus_prefix_and_frees_their_ids_for_reuse()
    {
        var m = TwoRootPorts();
        var w = Steps.Run(m, "add arm-smmu-v3.0.auto", "add 0000:00:01.0", "add 0000:01:00.0", "add 0000:01:00.1",
            "add 0000:00:02.0", "add 0000:02:00.0", "register arm-smmu-v3", "register pcieport", "register nvme", "late-initcall");
        // pcieport binds both ports (0, 1), then nvme the three endpoints (2, 3, 4).
        Assert.Equal([0, 2, 3, 1, 4], m.Devices.Skip(1).Select(d => w.GroupOf(d.Name)));

        int before = w.InfoLines().Count;
        w = Steps.Continue(w, "hot-remove 0000:00:01.0");
        Assert.Equal(
        [
            // Last added first, children before their bridge; unbound by then, so the prefix is the bus.
            "pci 0000:01:00.1: Removing from iommu group 3",
            "pci 0000:01:00.0: Removing from iommu group 2",
            "pci 0000:00:01.0: Removing from iommu group 0",
        ], w.InfoLines().Skip(before));
        Assert.Equal([1, 4], w.Groups.Keys);

        // ida: the smallest free id each time, not the next after the highest.
        w = Steps.Continue(w, "hot-add 0000:00:01.0", "hot-add 0000:01:00.1", "hot-add 0000:01:00.0");
        Assert.Equal(
        [
            "pcieport 0000:00:01.0: Adding to iommu group 0",
            "nvme 0000:01:00.1: Adding to iommu group 2",
            "nvme 0000:01:00.0: Adding to iommu group 3",
        ], w.InfoLines().Skip(before + 3));
    }

    [Fact]
    public void Hot_removing_one_member_keeps_the_group_for_the_others()
    {
        var t = PciTopologies.NonAcsRootPortMultifunction;
        var w = Steps.Run(t.Builder().Build(), [.. t.BootEvents(t.ParentFirst), "hot-remove 0000:01:00.1"]);
        Assert.Equal("pci 0000:01:00.1: Removing from iommu group 0", w.InfoLines()[^1]);
        Assert.Equal([w.Machine.DeviceIndex("0000:00:00.0"), w.Machine.DeviceIndex("0000:01:00.0")], w.Groups[0].Members.ToArray());
        Assert.Equal(DeviceState.NoGroup, w.GroupOf("0000:01:00.1"));
    }

    /// <summary>
    /// A modular SMMU driver and a modular driver for a PCI master behind a DT host bridge, both
    /// loaded after boot (a PCI master, so that it can be hot-removed: hotplug is PCI only).
    /// </summary>
    private static World ModularSmmuWithGroupedMaster(string unload)
    {
        var m = new MachineBuilder(Arch.Arm64).Variant("unload", unload)
            .Iommu("smmu0", "2b400000.smmu", "arm-smmu-v3")
            .Platform("2b400000.smmu")
            .HostBridge("0000", "00", Firmware.Dt, "smmu0")
            .Pci("0000:00:00.0", PcieType.Endpoint)
            .Driver("arm-smmu-v3", BusKind.Platform, ["2b400000.smmu"], module: true)
            .Driver("xgbe", BusKind.Pci, ["0000:00:00.0"], module: true)
            .Build();
        var w = Steps.Run(m, "add 2b400000.smmu", "add 0000:00:00.0", "late-initcall", "modprobe arm-smmu-v3", "modprobe xgbe");
        Assert.Equal(0, w.GroupOf("0000:00:00.0"));
        return w;
    }

    [Fact]
    public void Rmmod_of_an_IOMMU_driver_with_grouped_masters_is_refused_under_module_ref_and_changes_nothing_else()
    {
        var w = ModularSmmuWithGroupedMaster("module-ref");
        var before = Steps.Snapshot(w);
        var after = Steps.Apply(w, "rmmod arm-smmu-v3");
        Assert.Equal(["Clock", "Log", "Trace"], Steps.Differences(before, Steps.Snapshot(after)));
        Assert.Equal(
        [
            (LogLevel.Checker, "checker: rmmod arm-smmu-v3"),
            (LogLevel.Checker, "checker: rmmod arm-smmu-v3: in use"),
        ], after.Log.Skip(w.Log.Count).Select(l => (l.Level, l.Text)));
        Assert.Empty(after.Trace);
    }

    [Fact]
    public void Rmmod_goes_ahead_under_module_ref_once_the_masters_are_removed()
    {
        var w = ModularSmmuWithGroupedMaster("module-ref");
        w = Steps.Continue(w, "hot-remove 0000:00:00.0", "rmmod arm-smmu-v3");
        Assert.False(w.Instances[0].Registered);
        Assert.False(w.DriverRegistered[w.Machine.DriverIndex("arm-smmu-v3")]);
        Assert.DoesNotContain(w.Log, l => l.Text.EndsWith("in use", StringComparison.Ordinal));
    }

    [Fact]
    public void Rmmod_under_unguarded_leaves_masters_bound_grouped_and_on_their_ops()
    {
        var w = ModularSmmuWithGroupedMaster("unguarded");
        var ops = w.Dev("0000:00:00.0").Ops;
        w = Steps.Continue(w, "rmmod arm-smmu-v3");
        Assert.False(w.Instances[0].Registered);
        Assert.Equal(ProbeStatus.Unprobed, w.Dev("2b400000.smmu").Status);
        var master = w.Dev("0000:00:00.0");
        Assert.Equal(ProbeStatus.Bound, master.Status);
        Assert.Equal(0, master.Group);
        Assert.Equal(ops, master.Ops);
    }
}
