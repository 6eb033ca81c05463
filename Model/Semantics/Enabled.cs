using System.Runtime.CompilerServices;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Semantics;

public static partial class Kernel
{
    /// <summary>Whether E makes sense in W (docs/semantics.md, "Events": "An event is enabled only when ...").</summary>
    public static bool IsEnabled(World w, Event e) => e is Boot || WhyDisabled(w, e) is null;

    /// <summary>Null when E is enabled in W, else the reason in a few words.</summary>
    public static string? WhyDisabled(World w, Event e)
    {
        var m = w.Machine;
        return WhyDisabledNow(w, e, m) ?? OutOfTimeOrder(w, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? WhyDisabledNow(World w, Event e, Machine m)
    {
        return e switch
        {
            AddDevice a => !m.Devices[a.Device].PresentAtBoot ? "not present at boot"
                : w.Device(a.Device).EverAdded ? "already added"
                : ParentMissing(w, a.Device),
            RegisterDriver r => !m.Drivers[r.Driver].Arrival.Builtin ? "a module: use modprobe"
                : w.DriverRegistered[r.Driver] ? "already registered"
                : w.DeferredProbeEnabled ? "initcalls are over" : null,
            LateInitcall => w.DeferredProbeEnabled ? "already ran"
                : AnyBuiltinUnregistered(w) ? "built-in drivers still to register"
                : AnyBootDeviceNotAdded(w) ? "boot devices still to add"
                : null,
            DeferredWork => w.WorkQueued ? null : "no deferred work queued",
            DeferredProbeTimeout => w.Variants.Era != KernelEra.V6_15 ? "no deferred-probe timeout before v6.15's rules"
                : !w.InitcallsDone ? "initcalls are not done"
                : w.ProbeTimeoutDone ? "already fired" : null,
            Modprobe p => m.Drivers[p.Driver].Arrival.Builtin ? "built in"
                : w.DriverRegistered[p.Driver] ? "already loaded"
                : !w.InitcallsDone ? NoUserspace : null,
            Rmmod r => m.Drivers[r.Driver].Arrival.Builtin ? "built in"
                : !w.DriverRegistered[r.Driver] ? "not loaded"
                : !w.InitcallsDone ? NoUserspace : null,
            SriovEnable s => !w.InitcallsDone ? NoUserspace
                : !w.Device(s.PhysFn).IsBound ? "PF not bound"
                : AbsentVfs(w, s.PhysFn) < s.Count ? "not enough VFs left"
                : null,
            Unbind u => m.Index.InstanceOfDevice[u.Device] is not null ? SuppressBindAttrs
                : !w.InitcallsDone ? NoUserspace
                : w.Device(u.Device).IsBound ? null : "not bound",
            Bind b => m.Index.InstanceOfDevice[b.Device] is not null ? SuppressBindAttrs
                : !w.InitcallsDone ? NoUserspace
                : !w.Device(b.Device).Present ? "not present"
                : w.Device(b.Device).IsBound ? "already bound"
                : !w.DriverRegistered[b.Driver] ? "driver not registered"
                : !m.Index.Matches(b.Driver, b.Device) ? "driver does not match" : null,
            HotAdd h => m.Devices[h.Device].Pci is null ? NotPci
                : w.Device(h.Device).Present ? "already present"
                : m.Devices[h.Device].Pci?.IsVf == true ? "a VF: use sriov-enable"
                : m.Devices[h.Device].PresentAtBoot && !w.Device(h.Device).EverAdded ? "a boot device not yet added"
                : !w.InitcallsDone ? NoUserspace
                : ParentMissing(w, h.Device),
            HotRemove h => m.Devices[h.Device].Pci is null ? NotPci
                : m.Index.InstanceOfDevice[h.Device] is not null ? "an IOMMU's own device: its masters would lose it under them"
                : !w.InitcallsDone ? NoUserspace
                : w.Device(h.Device).Present ? null : "not present",
            FailNextProbe f => w.Device(f.Device).PendingProbeErrno != 0 ? "a probe failure is already pending" : null,
            FailNextAttach f => w.Device(f.Device).PendingAttachFailure ? "an attach failure is already pending" : null,
            FailDomainAlloc f => w.Instances[f.Iommu].PendingDomainAllocFailure ? "already pending" : null,
            _ => null,
        };
    }

    /// <summary>
    /// Userspace (sysfs bind/unbind/sriov_numvfs, modprobe, rmmod) and hotplug exist only once
    /// initcalls are done: kernel_init() runs the initcalls, late_initcall included, before it
    /// starts init (v5.3 and v6.15 init/main.c); before that no event of theirs is enabled.
    /// </summary>
    private const string NoUserspace = "initcalls are not done: no userspace yet";

    /// <summary>Physical hot-add and hot-remove are PCI hotplug (pciehp, pci_stop_and_remove_bus_device()).</summary>
    private const string NotPci = "not a PCI device: only PCI functions are hot-plugged";

    /// <summary>IOMMU drivers (arm-smmu-v3, ipmmu-vmsa, virtio-iommu) set suppress_bind_attrs: no sysfs bind or unbind.</summary>
    private const string SuppressBindAttrs = "its IOMMU driver suppresses sysfs bind/unbind (suppress_bind_attrs)";

    private static bool AnyBuiltinUnregistered(World w)
    {
        foreach (int d in w.Machine.Index.BuiltinOrder)
            if (!w.DriverRegistered[d])
                return true;
        return false;
    }

    private static bool AnyBootDeviceNotAdded(World w)
    {
        var devices = w.Machine.Devices;
        for (int i = 0; i < devices.Length; i++)
            if (devices[i].PresentAtBoot && !w.Device(devices[i].Index).EverAdded)
                return true;
        return false;
    }

    private static int AbsentVfs(World w, int pf)
    {
        int n = 0;
        foreach (int v in w.Machine.Index.VirtualFunctions[pf])
            if (!w.Device(v).Present)
                n++;
        return n;
    }

    /// <summary>
    /// A PCI device is added below a present parent bridge; a function on a VMD domain's root bus
    /// once its VMD endpoint is present (vmd_probe() scans that domain when the vmd driver binds the
    /// endpoint, drivers/pci/controller/vmd.c, v5.3 and v6.15).
    /// </summary>
    private static string? ParentMissing(World w, int dev) =>
        w.Machine.Index.PresentBefore(dev) is int p && !w.Device(p).Present
            ? w.Machine.Devices[dev].Pci!.ParentBridge is null ? "VMD endpoint not present" : "parent not present"
            : null;
}
