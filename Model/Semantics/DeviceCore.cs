using System.Runtime.CompilerServices;
using Checker.Model.State;

namespace Checker.Model.Semantics;

public static partial class Kernel
{
    /// <summary>
    /// Mirrors device_add() in drivers/base/core.c: the device joins its bus's list, the IOMMU bus
    /// notifier sees it, then bus_probe_device() tries the registered matching drivers. Fault
    /// injections armed before the device existed stay armed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static World DeviceAdd(World w, int dev)
    {
        var old = w.Device(dev);
        var fresh = w.Machine.Index.InitialDevices[dev] with
        {
            Present = true,
            EverAdded = true,
            PendingProbeErrno = old.PendingProbeErrno,
            PendingAttachFailure = old.PendingAttachFailure,
        };
        w = w with { DeviceChange = (dev, fresh), BusList = w.BusList.Add(dev) };
        w = IommuBusNotifierAdd(w, dev);
        return DeviceAttach(w, dev);
    }

    /// <summary>
    /// Mirrors __device_attach(): matching registered drivers in registration order, stopping at
    /// the first that binds, or when a device link makes the device wait (and in v6.15 when
    /// dma_configure defers: really_probe() returns that -EPROBE_DEFER negative).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static World DeviceAttach(World w, int dev)
    {
        foreach (int drv in w.RegisteredDrivers)
        {
            if (w.Device(dev).IsBound || !w.Device(dev).Present)
                break;
            if (!w.Machine.Index.Matches(drv, dev))
                continue;
            (w, var outcome) = ReallyProbe(w, dev, drv);
            if (outcome == ProbeOutcome.EndsDriverLoop)
                break;
        }
        return w;
    }

    /// <summary>
    /// Mirrors driver_register() and driver_attach(): the driver joins its bus, and every unbound
    /// matching device on the bus is tried in bus-list order, all in this one event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static World DriverRegister(World w, int drv)
    {
        w = w with
        {
            DriverRegistered = w.DriverRegistered.SetItem(drv, true),
            RegisteredDrivers = w.RegisteredDrivers.Add(drv),
        };
        foreach (int dev in w.BusList)
        {
            var d = w.Device(dev);
            if (d.Present && !d.IsBound && w.Machine.Index.Matches(drv, dev))
                (w, _) = ReallyProbe(w, dev, drv);
        }
        return w;
    }

    /// <summary>Mirrors bind_store() in drivers/base/bus.c: sysfs `bind` probes one device with one driver.</summary>
    private static World BindStore(World w, int dev, int drv) => ReallyProbe(w, dev, drv).World;

    /// <summary>
    /// Mirrors __device_release_driver(): device_links_unbind_consumers() first, then the driver's
    /// remove (a PF's disables SR-IOV first, so its VFs go before it), then dma_deconfigure, then dev->driver = NULL. Unbinding an IOMMU's own
    /// device unregisters the instance; its masters keep their groups and ops.
    /// </summary>
    private static World DeviceReleaseDriver(World w, int dev)
    {
        if (!w.Device(dev).IsBound)
            return w;
        w = DeviceLinksUnbindConsumers(w, dev);
        foreach (int vf in w.Machine.Index.VirtualFunctions[dev].Reverse())
            if (w.Device(vf).Present)
                w = RemoveOneDevice(w, vf);
        w = DmaDeconfigure(w, dev);
        w = w.WithDevice(dev, w.Device(dev) with { Driver = DeviceState.NoDriver, Status = ProbeStatus.Unprobed });
        if (w.Machine.Index.InstanceOfDevice[dev] is int inst && w.Instances[inst].Registered)
            w = IommuDeviceUnregister(w, inst);
        return w;
    }

    /// <summary>
    /// Mirrors the rmmod path (delete_module -> driver_unregister): every device bound to the driver
    /// is unbound in bus-list order, then the driver leaves the bus. With `unload=module-ref` an
    /// IOMMU driver whose instance still has grouped masters is refused (try_module_get held).
    /// </summary>
    private static World DeleteModule(World w, int drv)
    {
        if (w.Variants.Unload == UnloadVariant.ModuleRef && IommuDriverInUse(w, drv))
            return Log.Checker(w, w.Quiet ? "" : $"rmmod {w.Machine.Drivers[drv].Name}: in use");
        foreach (int dev in w.BusList)
            if (w.Device(dev).IsBound && w.Device(dev).Driver == drv)
                w = Detach(DeviceReleaseDriver(w, dev), dev);
        return w with
        {
            DriverRegistered = w.DriverRegistered.SetItem(drv, false),
            RegisteredDrivers = w.RegisteredDrivers.Remove(drv),
        };
    }

    private static World Detach(World w, int dev) =>
        w.Device(dev).Present ? w.WithDevice(dev, w.Device(dev) with { Detached = true }) : w;

    private static bool IommuDriverInUse(World w, int drv) =>
        w.Machine.Iommus.Any(i => i.Driver == drv && w.Groups.Values.Any(g => g.Instance == i.Index));

    /// <summary>Mirrors sriov_enable(): adds the PF's next COUNT VFs; each is added and probed like any device.</summary>
    private static World SriovEnableVfs(World w, int pf, int count)
    {
        foreach (int vf in w.Machine.Index.VirtualFunctions[pf].Where(v => !w.Device(v).Present).Take(count).ToList())
            w = DeviceAdd(w, vf);
        return w;
    }

    /// <summary>
    /// Mirrors pci_stop_and_remove_bus_device(): children first, deepest and last-added first;
    /// each is unbound, then taken out of its group (BUS_NOTIFY_REMOVED_DEVICE).
    /// </summary>
    private static World PciStopAndRemoveBusDevice(World w, int dev)
    {
        // A VMD endpoint's release runs vmd_remove(), which removes its domain's root bus first
        // (pci_stop_root_bus(), pci_remove_root_bus(), drivers/pci/controller/vmd.c, v6.15).
        var children = w.BusList.Where(c => w.Machine.Index.PresentBefore(c) == dev).Reverse().ToList();
        foreach (int child in children)
            if (w.Device(child).Present)
                w = PciStopAndRemoveBusDevice(w, child);
        return w.Device(dev).Present ? RemoveOneDevice(w, dev) : w;
    }

    private static World RemoveOneDevice(World w, int dev)
    {
        w = DeviceReleaseDriver(w, dev);
        w = IommuGroupRemoveDevice(w, dev);
        return w with
        {
            DeviceChange = (dev, w.Machine.Index.InitialDevices[dev] with { EverAdded = true }),
            BusList = w.BusList.Remove(dev),
            DeferredPending = w.DeferredPending.Remove(dev),
            DeferredActive = w.DeferredActive.Remove(dev),
        };
    }
}
