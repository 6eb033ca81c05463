using System.Runtime.CompilerServices;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Semantics;

/// <summary>How a probe ended; <see cref="EndsDriverLoop"/> is a deferral that stops __device_attach()'s driver loop.</summary>
internal enum ProbeOutcome { Bound, Deferred, Failed, EndsDriverLoop }

public static partial class Kernel
{
    /// <summary>
    /// Mirrors really_probe() in drivers/base/dd.c (v5.3, and v6.15 where it says so): device
    /// links, then dev->driver and dma_configure, then the driver's probe, with teardown on failure. Ordering matters: the
    /// group is allocated inside dma_configure, so it is the probe order that decides groups.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (World World, ProbeOutcome Outcome) ReallyProbe(World w, int dev, int drv)
    {
        var m = w.Machine;
        if (SupplierNotReady(w, dev) is int supplier)
        {
            w = Log.Dev(w, dev, w.Quiet ? "" : $"probe deferral - supplier {m.Devices[supplier].Name} not ready", LogLevel.Debug, LogTag.ProbeDeferred);
            return (DeferProbe(w, dev), ProbeOutcome.EndsDriverLoop);
        }

        w = w.WithDevice(dev, w.Device(dev) with { Driver = drv });
        (w, bool configured) = DmaConfigure(w, dev);
        if (!configured)
        {
            // v5.3 jumps to probe_failed, which tears the ops down; v4.12 on arm32 skips it
            // (dma_failed); v6.15 goes to pinctrl_bind_failed, whose device_unbind_cleanup()
            // calls arch_teardown_dma_ops().
            if (m.Arch != Arch.Arm)
                w = ArchTeardownDmaOps(w, dev);
            if (w.Variants.Era != KernelEra.V6_15)
                return (ProbeFailed(w, dev, drv, Errno.EPROBE_DEFER, injected: false), ProbeOutcome.Deferred);
            // v6.15 really_probe() returns the -EPROBE_DEFER of dma_configure as it is, negative,
            // so __device_attach_driver() ends the driver loop (probe errors come back positive
            // and let the next driver try); driver_probe_device() adds the device to the list.
            return (DeferProbe(w, dev, addedLine: true), ProbeOutcome.EndsDriverLoop);
        }

        (int ret, bool injected) = DriverProbe(w, dev, drv);
        if (injected)
            w = w.WithDevice(dev, w.Device(dev) with { PendingProbeErrno = 0 });
        if (ret != 0)
        {
            if (w.Variants.Era == KernelEra.V6_15)
                w = CallDriverProbeLine(w, dev, drv, ret);
            w = DmaDeconfigure(w, dev);
            w = ProbeFailed(w, dev, drv, ret, injected);
            return (w, ret == Errno.EPROBE_DEFER ? ProbeOutcome.Deferred : ProbeOutcome.Failed);
        }
        return (DriverBound(w, dev, drv), ProbeOutcome.Bound);
    }

    /// <summary>
    /// v6.15 call_driver_probe() (drivers/base/dd.c): the probe's result in its words, printed with
    /// dev->driver still set (so the driver's name is the prefix): a deferral and a rejected match
    /// at debug level, any other error `probe with driver DRV failed with error N` (dev_err, v6.10 on).
    /// </summary>
    private static World CallDriverProbeLine(World w, int dev, int drv, int ret)
    {
        if (w.Quiet)
            return w;
        string name = w.Machine.Drivers[drv].Name;
        return ret switch
        {
            Errno.EPROBE_DEFER => Log.Dev(w, dev, $"Driver {name} requests probe deferral", LogLevel.Debug, LogTag.ProbeDeferred),
            Errno.ENODEV or Errno.ENXIO => Log.Dev(w, dev, $"probe with driver {name} rejects match {ret}", LogLevel.Debug),
            _ => Log.Dev(w, dev, $"probe with driver {name} failed with error {ret}"),
        };
    }

    /// <summary>The driver's probe: an injected fault first, else its scripted behaviour.</summary>
    private static (int Ret, bool Injected) DriverProbe(World w, int dev, int drv)
    {
        if (w.Device(dev).PendingProbeErrno is var injected and not 0)
            return (injected, true);
        return w.Machine.Drivers[drv].Probe switch
        {
            ProbeBehaviour.FailsWith f => (f.Errno, false),
            ProbeBehaviour.DefersUntilBound d when !w.Device(d.Supplier).IsBound => (Errno.EPROBE_DEFER, false),
            _ => (0, false),
        };
    }

    /// <summary>
    /// The probe_failed tail of really_probe(): dev->driver = NULL, then the deferral goes to the
    /// end of the pending list, -ENODEV/-ENXIO are quiet, anything else is a warning. A failure
    /// does not take the device off the pending list (driver_deferred_probe_del() is called only
    /// from driver_bound() and device_del(), drivers/base/dd.c v5.3).
    /// </summary>
    private static World ProbeFailed(World w, int dev, int drv, int ret, bool injected)
    {
        var m = w.Machine;
        string drvName = m.Drivers[drv].Name, devName = m.Devices[dev].Name;
        bool v615 = w.Variants.Era == KernelEra.V6_15;
        if (ret == Errno.EPROBE_DEFER)
        {
            // dev->driver = NULL and the deferral in one change: the line reads only the driver (the bus name prefix).
            w = DeferProbe(w, dev);
            return v615 ? w : Log.Dev(w, dev, w.Quiet ? "" : $"Driver {drvName} requests probe deferral", LogLevel.Debug, LogTag.ProbeDeferred);
        }
        w = w.WithDevice(dev, w.Device(dev) with { Driver = DeviceState.NoDriver });
        w = v615 ? w
            : ret is Errno.ENODEV or Errno.ENXIO
            ? Log.Debug(w, w.Quiet ? "" : $"{drvName}: probe of {devName} rejects match {ret}")
            : Log.Line(w, LogLevel.Info, w.Quiet ? "" : $"{drvName}: probe of {devName} failed with error {ret}");
        // v5.3 (and v6.15): a non-defer error leaves the device where it is on the deferred pending
        // list; only driver_bound() and device_del() call driver_deferred_probe_del(), so an earlier
        // deferral is still retried by the next trigger.
        return w.WithDevice(dev, w.Device(dev) with { Status = ProbeStatus.Failed, InjectedFailure = injected });
    }

    /// <summary>
    /// Mirrors driver_deferred_probe_add(): to the end of the pending list, once. With ADDEDLINE
    /// its debug line `Added to deferred list`, printed only when the device was not on the list
    /// (v6.15, where a deferral no probe printed has only this line).
    /// </summary>
    private static World DeferProbe(World w, int dev, bool addedLine = false)
    {
        var deferred = w.Device(dev) with { Status = ProbeStatus.Deferred, Driver = DeviceState.NoDriver };
        if (w.DeferredPending.Contains(dev))
            return w.WithDevice(dev, deferred);
        w = w with { DeviceChange = (dev, deferred), DeferredPending = w.DeferredPending.Add(dev) };
        return addedLine ? Log.Dev(w, dev, w.Quiet ? "" : "Added to deferred list", LogLevel.Debug, LogTag.ProbeDeferred) : w;
    }

    /// <summary>
    /// Mirrors driver_bound(): device_links_driver_bound() first (autoprobe consumers join the
    /// pending list), then the device leaves the deferred lists and, once deferred probing is
    /// enabled, a trigger is queued. An IOMMU driver binding its instance's device registers it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static World DriverBound(World w, int dev, int drv)
    {
        w = DeviceLinksDriverBound(w, dev);
        var m = w.Machine;
        var bound = w.Device(dev) with { Status = ProbeStatus.Bound, Driver = drv, InjectedFailure = false, Detached = false };
        int? registers = m.Index.InstanceOfDevice[dev] is int inst && m.Iommus[inst].Driver == drv ? inst : null;
        // The change, the line and (unless an IOMMU registers after them) the trigger in one copy
        // of the world: the line touches only the clock and the log.
        bool trigger = registers is null && w.DeferredProbeEnabled;
        var (clock, log) = Log.Appended(w, LogLevel.Debug, w.Quiet ? "" : $"bus: '{m.Devices[dev].Bus.BusName()}': really_probe: bound device {m.Devices[dev].Name} to driver {m.Drivers[drv].Name}", LogTag.Bound, dev);
        w = w with
        {
            DeviceChange = (dev, bound),
            DeferredPending = trigger ? [] : w.DeferredPending.Remove(dev),
            DeferredActive = trigger ? w.DeferredActive.Remove(dev).AddRange(w.DeferredPending.Remove(dev)) : w.DeferredActive.Remove(dev),
            WorkQueued = w.WorkQueued || trigger,
            Clock = clock,
            Log = log,
        };
        if (registers is int r)
            w = IommuDeviceRegister(w, r);
        return trigger ? w : DriverDeferredProbeTrigger(w);
    }
}
