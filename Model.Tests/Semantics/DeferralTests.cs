using Checker.Model.State;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Semantics;

/// <summary>
/// Probe deferral for a master whose IOMMU is missing (docs/semantics.md, "Events", really_probe step 2, and
/// "Deferred probing"): of_iommu_xlate vs iort_iommu_xlate, before and after initcalls are done,
/// a built-in vs a modular IOMMU driver, and fw_devlink's supplier wait.
/// </summary>
public class DeferralTests
{
    private const string IommuDriver = "arm-smmu-v3";
    private const string MasterDriver = "xgbe";

    private static string Smmu(Firmware fw) => fw == Firmware.Dt ? "2b400000.smmu" : "arm-smmu-v3.0.auto";
    private static string Master(Firmware fw) => fw == Firmware.Dt ? "2b000000.ethernet" : "AMDI8001:00";

    /// <summary>
    /// One SMMU (its platform device and driver) and one coherent master behind it; the master's
    /// driver comes first in link order, so the master probes before its IOMMU can register.
    /// </summary>
    private static MachineBuilder Machine(Firmware fw, bool iommuModule = false, bool deferForever = false,
        bool smmuPresent = true, ProbeBehaviourSpec? smmuProbe = null, bool fwDevlink = false)
    {
        var b = new MachineBuilder(Arch.Arm64);
        if (fwDevlink)
            b.Variant("fw-devlink", "on");
        return b.Iommu("smmu0", Smmu(fw), IommuDriver, deferForever: deferForever)
            .Platform(Smmu(fw), fw, present: smmuPresent)
            .Platform(Master(fw), fw, "smmu0", coherent: true)
            .Driver(MasterDriver, BusKind.Platform, [Master(fw)])
            .Driver(IommuDriver, BusKind.Platform, [Smmu(fw)], module: iommuModule, probe: smmuProbe);
    }

    private static string IgnoringLine(Firmware fw) =>
        $"{MasterDriver} {Master(fw)}: ignoring dependency for device, assuming no driver";

    [Fact]
    public void DT_master_whose_IOMMU_driver_registers_later_defers_then_binds_with_IOMMU_ops()
    {
        var fw = Firmware.Dt;
        var m = Machine(fw).Build();
        var w = Steps.Run(m, $"add {Smmu(fw)}", $"add {Master(fw)}", $"register {MasterDriver}");
        var master = w.Dev(Master(fw));
        Assert.Equal(ProbeStatus.Deferred, master.Status);
        // of_iommu_xlate: "the otherwise-empty fwspec handily serves to indicate the specific IOMMU".
        Assert.True(master.HasFwspec);
        // arm64: dma_ops NULL, which is the direct ops.
        Assert.Equal(DmaOps.Null, master.Ops);
        Assert.Equal([m.DeviceIndex(Master(fw))], w.DeferredPending.ToArray());

        // The SMMU registers, but deferred probing is not enabled before late_initcall: no retry yet.
        w = Steps.Continue(w, $"register {IommuDriver}");
        Assert.True(w.Instances[0].Registered);
        Assert.Equal(ProbeStatus.Deferred, w.Dev(Master(fw)).Status);
        Assert.False(w.WorkQueued);

        w = Steps.Continue(w, "late-initcall");
        master = w.Dev(Master(fw));
        Assert.Equal(ProbeStatus.Bound, master.Status);
        Assert.Equal(DmaOpsKind.Iommu, master.Ops.Kind);
        Assert.Equal(DmaOps.ArchOwner, master.Ops.Owner);
        Assert.Equal(0, master.Group);
        Assert.Empty(w.DeferredPending);
        Assert.Equal([$"{MasterDriver} {Master(fw)}: Adding to iommu group 0"], w.InfoLines());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DT_master_whose_IOMMU_never_registers_binds_on_direct_ops_once_initcalls_are_done(bool iommuModule)
    {
        // Either the SMMU's driver is a module nobody loads, or its device never shows up.
        var fw = Firmware.Dt;
        var m = Machine(fw, iommuModule: iommuModule, smmuPresent: iommuModule).Build();
        var boot = new List<string> { $"add {Master(fw)}", $"register {MasterDriver}" };
        if (iommuModule)
            boot.Insert(0, $"add {Smmu(fw)}");
        else
            boot.Add($"register {IommuDriver}");
        var w = Steps.Run(m, [.. boot]);
        Assert.Equal(ProbeStatus.Deferred, w.Dev(Master(fw)).Status);

        // late_initcall: the first flush still defers (initcalls not done); the second gives up.
        w = Steps.Continue(w, "late-initcall");
        var master = w.Dev(Master(fw));
        Assert.Equal(ProbeStatus.Bound, master.Status);
        Assert.Equal(DmaOpsKind.Direct, master.Ops.Kind);
        Assert.Equal(DeviceState.NoGroup, master.Group);
        Assert.Equal([IgnoringLine(fw)], w.InfoLines());
        Assert.True(w.InitcallsDone);
    }

    [Fact]
    public void DT_master_of_a_defer_forever_instance_stays_deferred_after_late_initcall()
    {
        var fw = Firmware.Dt;
        var m = Machine(fw, iommuModule: true, deferForever: true).Build();
        var result = Steps.Check(m, $"add {Smmu(fw)}", $"add {Master(fw)}", $"register {MasterDriver}", "late-initcall");
        var w = result.Final;
        Assert.Equal(ProbeStatus.Deferred, w.Dev(Master(fw)).Status);
        Assert.Equal([m.DeviceIndex(Master(fw))], w.DeferredPending.ToArray());
        Assert.DoesNotContain(w.Log, l => l.Text.Contains("ignoring dependency"));
        // It waits for an IOMMU whose driver is a module nobody loaded yet: not a failure to bind.
        Assert.Empty(result.Broken());
    }

    [Fact]
    public void DT_master_probed_by_a_module_after_boot_gives_up_on_a_missing_IOMMU_at_once()
    {
        var fw = Firmware.Dt;
        var m = new MachineBuilder(Arch.Arm64)
            .Iommu("smmu0", Smmu(fw), IommuDriver)
            .Platform(Smmu(fw), fw)
            .Platform(Master(fw), fw, "smmu0")
            .Driver(MasterDriver, BusKind.Platform, [Master(fw)], module: true)
            .Driver(IommuDriver, BusKind.Platform, [Smmu(fw)], module: true)
            .Build();
        var w = Steps.Run(m, $"add {Smmu(fw)}", $"add {Master(fw)}", "late-initcall", $"modprobe {MasterDriver}");
        Assert.Equal(ProbeStatus.Bound, w.Dev(Master(fw)).Status);
        Assert.Equal(DmaOps.Null, w.Dev(Master(fw)).Ops);
        Assert.Equal([IgnoringLine(fw)], w.InfoLines());
    }

    [Fact]
    public void ACPI_master_whose_builtin_IOMMU_driver_never_registers_stays_deferred_forever()
    {
        var fw = Firmware.Acpi;
        var m = Machine(fw, smmuPresent: false).Build();
        var result = Steps.Check(m, $"add {Master(fw)}", $"register {MasterDriver}", $"register {IommuDriver}", "late-initcall");
        var master = result.Final.Dev(Master(fw));
        Assert.Equal(ProbeStatus.Deferred, master.Status);
        // iort_iommu_xlate creates no fwspec while it waits.
        Assert.False(master.HasFwspec);
        // arm64: dma_ops NULL, which is the direct ops.
        Assert.Equal(DmaOps.Null, master.Ops);
        Assert.Equal([m.DeviceIndex(Master(fw))], result.Final.DeferredPending.ToArray());
        Assert.Empty(result.Final.InfoLines());
        Assert.Equal([$"EveryMatchedDeviceBinds {Master(fw)}"], result.Broken());
    }

    [Fact]
    public void ACPI_master_of_a_modular_IOMMU_driver_binds_at_once_on_direct_ops_without_fwspec()
    {
        var fw = Firmware.Acpi;
        var m = Machine(fw, iommuModule: true).Build();
        var w = Steps.Run(m, $"add {Smmu(fw)}", $"add {Master(fw)}", $"register {MasterDriver}");
        var master = w.Dev(Master(fw));
        // Before late_initcall: iort_iommu_driver_enabled() is false for a module, -ENODEV means "no IOMMU".
        Assert.False(w.InitcallsDone);
        Assert.Equal(ProbeStatus.Bound, master.Status);
        Assert.Equal(DmaOpsKind.Direct, master.Ops.Kind);
        Assert.False(master.HasFwspec);
        Assert.Equal(DeviceState.NoGroup, master.Group);
        Assert.Empty(w.InfoLines());
    }

    [Fact]
    public void Loading_the_modular_IOMMU_driver_under_a_bound_ACPI_master_breaks_NoDmaBypass()
    {
        var fw = Firmware.Acpi;
        var m = Machine(fw, iommuModule: true).Build();
        string[] events = [$"add {Smmu(fw)}", $"add {Master(fw)}", $"register {MasterDriver}", "late-initcall", $"modprobe {IommuDriver}"];
        var result = Steps.Check(m, events);
        var first = Assert.Single(result.Violations);
        Assert.Equal("NoDmaBypass", first.Violation.Property);
        Assert.Equal([Master(fw)], first.Violation.Devices.ToArray());
        Assert.Equal(events.Length - 1, first.Step);
        Assert.True(result.Final.Instances[0].Registered);
        Assert.Equal(DmaOpsKind.Direct, result.Final.Dev(Master(fw)).Ops.Kind);
    }

    [Fact]
    public void With_fw_devlink_a_DT_master_waits_for_its_IOMMU_device_to_bind()
    {
        var fw = Firmware.Dt;
        var m = Machine(fw, fwDevlink: true).Build();
        var w = Steps.Run(m, $"add {Smmu(fw)}", $"add {Master(fw)}", $"register {MasterDriver}");
        var master = w.Dev(Master(fw));
        Assert.Equal(ProbeStatus.Deferred, master.Status);
        // The link check comes before dma_configure: no fwspec yet.
        Assert.False(master.HasFwspec);

        w = Steps.Continue(w, $"register {IommuDriver}", "late-initcall");
        master = w.Dev(Master(fw));
        Assert.Equal(ProbeStatus.Bound, master.Status);
        Assert.Equal(DmaOpsKind.Iommu, master.Ops.Kind);
    }

    public static IEnumerable<object[]> IommuProbeFailures() =>
        from how in new[] { "fail-next-probe", "probe-fails-with" }
        from devlink in new[] { true, false }
        select new object[] { how, devlink };

    [Theory]
    [MemberData(nameof(IommuProbeFailures))]
    public void When_the_IOMMU_probe_fails_only_fw_devlink_keeps_the_master_from_binding(string how, bool fwDevlink)
    {
        var fw = Firmware.Dt;
        var smmuProbe = how == "probe-fails-with" ? new ProbeBehaviourSpec(FailErrno: Events.Errno.ENOMEM) : null;
        var m = Machine(fw, smmuProbe: smmuProbe, fwDevlink: fwDevlink).Build();
        var events = new List<string> { $"add {Smmu(fw)}", $"add {Master(fw)}", $"register {MasterDriver}", $"register {IommuDriver}", "late-initcall" };
        if (how == "fail-next-probe")
            events.Insert(2, $"fail-next-probe {Smmu(fw)} -ENOMEM");
        var result = Steps.Check(m, [.. events]);
        var w = result.Final;
        Assert.Equal(ProbeStatus.Failed, w.Dev(Smmu(fw)).Status);
        Assert.Contains($"{IommuDriver}: probe of {Smmu(fw)} failed with error -12", w.InfoLines());
        if (fwDevlink)
        {
            // "if the supplier never binds, the consumer never probes" (docs/semantics.md, "Policy variants").
            Assert.Equal(ProbeStatus.Deferred, w.Dev(Master(fw)).Status);
            Assert.Equal([$"EveryMatchedDeviceBinds {Master(fw)}"], result.Broken());
            Assert.Equal(events.Count - 1, result.First!.Step);
        }
        else
        {
            Assert.Equal(ProbeStatus.Bound, w.Dev(Master(fw)).Status);
            Assert.Equal(DmaOpsKind.Direct, w.Dev(Master(fw)).Ops.Kind);
            Assert.Contains(IgnoringLine(fw), w.InfoLines());
            Assert.Empty(result.Broken());
        }
    }

    /// <summary>Three DT masters behind one SMMU, each with its own driver.</summary>
    private static MachineBuilder ThreeMasters(bool iommuModule = false, bool deferForever = false) =>
        new MachineBuilder(Arch.Arm64)
            .Iommu("smmu0", "2b400000.smmu", IommuDriver, deferForever: deferForever)
            .Platform("2b400000.smmu")
            .Platform("m1", Firmware.Dt, "smmu0")
            .Platform("m2", Firmware.Dt, "smmu0")
            .Platform("m3", Firmware.Dt, "smmu0")
            .Driver("d1", BusKind.Platform, ["m1"])
            .Driver("d2", BusKind.Platform, ["m2"])
            .Driver("d3", BusKind.Platform, ["m3"])
            .Driver(IommuDriver, BusKind.Platform, ["2b400000.smmu"], module: iommuModule);

    private static readonly string[] AddAll = ["add 2b400000.smmu", "add m1", "add m2", "add m3"];

    [Fact]
    public void Deferred_devices_are_retried_in_the_order_they_deferred()
    {
        var m = ThreeMasters().Build();
        var w = Steps.Run(m, [.. AddAll, "register d3", "register d1", "register d2", $"register {IommuDriver}"]);
        Assert.Equal(["m3", "m1", "m2"], w.DeferredPending.Select(d => m.Devices[d].Name));
        w = Steps.Continue(w, "late-initcall");
        // Platform devices get a group each, in the order the work probed them.
        Assert.Equal(["d3 m3: Adding to iommu group 0", "d1 m1: Adding to iommu group 1", "d2 m2: Adding to iommu group 2"], w.InfoLines());
    }

    [Fact]
    public void Devices_that_defer_again_go_back_to_the_pending_list_in_the_same_order()
    {
        var m = ThreeMasters(iommuModule: true, deferForever: true).Build();
        var w = Steps.Run(m, [.. AddAll, "register d3", "register d1", "register d2", "late-initcall"]);
        Assert.Equal(["m3", "m1", "m2"], w.DeferredPending.Select(d => m.Devices[d].Name));
        Assert.Empty(w.DeferredActive);
        Assert.False(w.WorkQueued);
    }

    [Fact]
    public void Queued_work_runs_as_its_own_event_and_retries_devices_a_trigger_moves_back_during_the_run()
    {
        // m1 waits for m2, m2 waits for m3; m3's driver is a module loaded after boot.
        var m = new MachineBuilder(Arch.Arm64)
            .Platform("m1").Platform("m2").Platform("m3")
            .Driver("d1", BusKind.Platform, ["m1"], probe: new ProbeBehaviourSpec(DeferUntilBound: "m2"))
            .Driver("d2", BusKind.Platform, ["m2"], probe: new ProbeBehaviourSpec(DeferUntilBound: "m3"))
            .Driver("d3", BusKind.Platform, ["m3"], module: true)
            .Build();
        var w = Steps.Run(m, "add m1", "add m2", "add m3", "register d1", "register d2", "late-initcall", "modprobe d3");
        Assert.Equal(ProbeStatus.Bound, w.Dev("m3").Status);
        Assert.True(w.WorkQueued);
        Assert.Equal(["m1", "m2"], w.DeferredActive.Select(d => m.Devices[d].Name));
        Assert.Equal(ProbeStatus.Deferred, w.Dev("m1").Status);

        // One run: m1 defers again (to pending), m2 binds and its trigger moves m1 back to the
        // active list, so the same run retries m1, which now binds; the trigger queued the work again.
        w = Steps.Continue(w, "deferred-work");
        Assert.Equal(ProbeStatus.Bound, w.Dev("m1").Status);
        Assert.Equal(ProbeStatus.Bound, w.Dev("m2").Status);
        Assert.Empty(w.DeferredActive);
        Assert.Empty(w.DeferredPending);
        Assert.True(w.WorkQueued);
        w = Steps.Continue(w, "deferred-work");
        Assert.False(w.WorkQueued);
    }
}
