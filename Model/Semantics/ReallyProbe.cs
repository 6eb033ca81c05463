using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Semantics;

internal enum ProbeOutcome { Bound, Deferred, Failed, WaitingForSupplier }

public static partial class Kernel
{
    /// <summary>
    /// Mirrors really_probe() in drivers/base/dd.c (v5.3): device links, then dev->driver and
    /// dma_configure, then the driver's probe, with teardown on failure. Ordering matters: the
    /// group is allocated inside dma_configure, so it is the probe order that decides groups.
    /// </summary>
    private static (World World, ProbeOutcome Outcome) ReallyProbe(World w, int dev, int drv)
    {
        var m = w.Machine;
        if (SupplierNotReady(w, dev) is int supplier)
        {
            w = Log.Dev(w, dev, w.Quiet ? "" : $"probe deferral - supplier {m.Devices[supplier].Name} not ready", LogLevel.Debug, LogTag.ProbeDeferred);
            return (DeferProbe(w, dev), ProbeOutcome.WaitingForSupplier);
        }

        w = w.WithDevice(dev, w.Device(dev) with { Driver = drv });
        (w, bool configured) = DmaConfigure(w, dev);
        if (!configured)
        {
            // v5.3 jumps to probe_failed, which tears the ops down; v4.12 on arm32 skips it (dma_failed).
            if (m.Arch != Arch.Arm)
                w = ArchTeardownDmaOps(w, dev);
            return (ProbeFailed(w, dev, drv, Errno.EPROBE_DEFER, injected: false), ProbeOutcome.Deferred);
        }

        (int ret, bool injected) = DriverProbe(w, dev, drv);
        if (injected)
            w = w.WithDevice(dev, w.Device(dev) with { PendingProbeErrno = 0 });
        if (ret != 0)
        {
            w = DmaDeconfigure(w, dev);
            w = ProbeFailed(w, dev, drv, ret, injected);
            return (w, ret == Errno.EPROBE_DEFER ? ProbeOutcome.Deferred : ProbeOutcome.Failed);
        }
        return (DriverBound(w, dev, drv), ProbeOutcome.Bound);
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
        if (ret == Errno.EPROBE_DEFER)
        {
            // dev->driver = NULL and the deferral in one change: the line reads only the driver (the bus name prefix).
            w = DeferProbe(w, dev);
            return Log.Dev(w, dev, w.Quiet ? "" : $"Driver {drvName} requests probe deferral", LogLevel.Debug, LogTag.ProbeDeferred);
        }
        w = w.WithDevice(dev, w.Device(dev) with { Driver = DeviceState.NoDriver });
        w = ret is Errno.ENODEV or Errno.ENXIO
            ? Log.Debug(w, w.Quiet ? "" : $"{drvName}: probe of {devName} rejects match {ret}")
            : Log.Line(w, LogLevel.Info, w.Quiet ? "" : $"{drvName}: probe of {devName} failed with error {ret}");
        // v5.3 (and v6.15): a non-defer error leaves the device where it is on the deferred pending
        // list; only driver_bound() and device_del() call driver_deferred_probe_del(), so an earlier
        // deferral is still retried by the next trigger.
        return w.WithDevice(dev, w.Device(dev) with { Status = ProbeStatus.Failed, InjectedFailure = injected });
    }

    /// <summary>Mirrors driver_deferred_probe_add(): to the end of the pending list, once.</summary>
    private static World DeferProbe(World w, int dev)
    {
        var deferred = w.Device(dev) with { Status = ProbeStatus.Deferred, Driver = DeviceState.NoDriver };
        return w.DeferredPending.Contains(dev)
            ? w.WithDevice(dev, deferred)
            : w with { DeviceChange = (dev, deferred), DeferredPending = w.DeferredPending.Add(dev) };
    }

    /// <summary>
    /// Mirrors driver_bound(): device_links_driver_bound() first (autoprobe consumers join the
    /// pending list), then the device leaves the deferred lists and, once deferred probing is
    /// enabled, a trigger is queued. An IOMMU driver binding its instance's device registers it.
    /// </summary>
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
