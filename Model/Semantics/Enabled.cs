using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Semantics;

public static partial class Kernel
{
    /// <summary>Whether E makes sense in W (spec section 3: "An event is enabled only when ...").</summary>
    public static bool IsEnabled(World w, Event e) => e is Boot || WhyDisabled(w, e) is null;

    /// <summary>Null when E is enabled in W, else the reason in a few words.</summary>
    public static string? WhyDisabled(World w, Event e)
    {
        var m = w.Machine;
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
            Modprobe p => m.Drivers[p.Driver].Arrival.Builtin ? "built in"
                : w.DriverRegistered[p.Driver] ? "already loaded"
                : !w.InitcallsDone ? "userspace has not started" : null,
            Rmmod r => m.Drivers[r.Driver].Arrival.Builtin ? "built in"
                : !w.DriverRegistered[r.Driver] ? "not loaded" : null,
            SriovEnable s => !w.Device(s.PhysFn).IsBound ? "PF not bound"
                : AbsentVfs(w, s.PhysFn) < s.Count ? "not enough VFs left"
                : null,
            Unbind u => m.Index.InstanceOfDevice[u.Device] is not null ? SuppressBindAttrs
                : w.Device(u.Device).IsBound ? null : "not bound",
            Bind b => m.Index.InstanceOfDevice[b.Device] is not null ? SuppressBindAttrs
                : !w.Device(b.Device).Present ? "not present"
                : w.Device(b.Device).IsBound ? "already bound"
                : !w.DriverRegistered[b.Driver] ? "driver not registered"
                : !m.Drivers[b.Driver].Matches.Contains(b.Device) ? "driver does not match" : null,
            HotAdd h => w.Device(h.Device).Present ? "already present"
                : m.Devices[h.Device].Pci?.IsVf == true ? "a VF: use sriov-enable"
                : m.Devices[h.Device].PresentAtBoot && !w.Device(h.Device).EverAdded ? "a boot device not yet added"
                : !w.InitcallsDone ? "hotplug starts after boot"
                : ParentMissing(w, h.Device),
            HotRemove h => m.Index.InstanceOfDevice[h.Device] is not null ? "an IOMMU's own device: its masters would lose it under them"
                : w.Device(h.Device).Present ? null : "not present",
            FailNextProbe f => w.Device(f.Device).PendingProbeErrno != 0 ? "a probe failure is already pending" : null,
            FailNextAttach f => w.Device(f.Device).PendingAttachFailure ? "an attach failure is already pending" : null,
            FailDomainAlloc f => w.Instances[f.Iommu].PendingDomainAllocFailure ? "already pending" : null,
            _ => null,
        };
    }

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

    private static string? ParentMissing(World w, int dev) =>
        w.Machine.Devices[dev].Pci?.ParentBridge is int p && !w.Device(p).Present ? "parent not present" : null;
}
