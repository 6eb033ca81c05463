using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Semantics;

public static partial class Kernel
{
    /// <summary>
    /// Mirrors driver_deferred_probe_trigger(): once enabled, the pending list moves to the end of
    /// the active list and the work is queued.
    /// </summary>
    private static World DriverDeferredProbeTrigger(World w)
    {
        if (!w.DeferredProbeEnabled)
            return w;
        return w with
        {
            DeferredActive = w.DeferredActive.AddRange(w.DeferredPending),
            DeferredPending = [],
            WorkQueued = true,
        };
    }

    /// <summary>
    /// driver_deferred_probe_trigger() called by a bind this world does not hold: a device of another
    /// part of the machine bound (driver_bound(), v5.3 and v6.15 drivers/base/dd.c). Exploration by
    /// parts (docs/explore.md, "Decomposition") steps it between events, as the environment of a part.
    /// </summary>
    public static World ForeignTrigger(World w) => DriverDeferredProbeTrigger(w);

    /// <summary>
    /// Mirrors deferred_probe_work_func(): devices from the head of the active list, one at a time,
    /// until it is empty, including those that triggers during the run moved there. A trigger
    /// during the run queues the work again.
    /// </summary>
    private static World DeferredProbeWorkFunc(World w)
    {
        w = w with { WorkQueued = false };
        while (!w.DeferredActive.IsEmpty)
        {
            int dev = w.DeferredActive[0];
            w = w with { DeferredActive = w.DeferredActive.RemoveAt(0) };
            if (w.Device(dev).Present && !w.Device(dev).IsBound)
                w = DeviceAttach(w, dev);
        }
        return w;
    }

    /// <summary>flush_work(): run the work until it is no longer queued.</summary>
    private static World FlushDeferredWork(World w)
    {
        while (w.WorkQueued)
            w = DeferredProbeWorkFunc(w);
        return w;
    }

    /// <summary>
    /// Mirrors deferred_probe_initcall() (a late_initcall): enable deferred probing, trigger and
    /// flush; then initcalls are done (waiting for a missing DT IOMMU stops), trigger and flush again.
    /// </summary>
    private static World DeferredProbeInitcall(World w)
    {
        w = DriverDeferredProbeTrigger(w with { DeferredProbeEnabled = true, LateInitcallClock = w.Clock });
        w = FlushDeferredWork(w);
        w = DriverDeferredProbeTrigger(w with { InitcallsDone = true });
        return FlushDeferredWork(w);
    }

    /// <summary>
    /// Mirrors deferred_probe_timeout_work_func() (v6.15 drivers/base/dd.c): fw_devlink_drivers_done()
    /// relaxes the links still waiting, driver_deferred_probe_timeout = 0 (so
    /// driver_deferred_probe_check_state() now answers -ETIMEDOUT), trigger and flush, then one
    /// "deferred probe pending" line for each device still on the pending list.
    /// </summary>
    private static World DeferredProbeTimeoutWorkFunc(World w)
    {
        w = DriverDeferredProbeTrigger(w with { ProbeTimeoutDone = true });
        w = FlushDeferredWork(w);
        foreach (int dev in w.DeferredPending)
            w = Log.Dev(w, dev, w.Quiet ? "" : "deferred probe pending: (reason unknown)", LogLevel.Info);
        return w;
    }

    /// <summary>
    /// The clock (µs) at which the 6.15 deferred-probe timeout fires: its delay after late_initcall
    /// (deferred_probe_initcall() schedules deferred_probe_timeout_work with
    /// driver_deferred_probe_timeout * HZ, v6.15 drivers/base/dd.c); null when it cannot come
    /// (5.3, late_initcall not run, or already fired).
    /// </summary>
    public static long? DeferredProbeTimeoutDue(World w) =>
        w.Variants.Era == KernelEra.V6_15 && w.InitcallsDone && !w.ProbeTimeoutDone && w.LateInitcallClock >= 0
            ? w.LateInitcallClock + w.Machine.DeferredProbeTimeout * 1_000_000L
            : null;

    /// <summary>
    /// The time an event keeps in every ordering: a timed script action's next `at:`, the
    /// deferred-probe timeout's due time; null for the rest (they take 1 ms after the last event).
    /// </summary>
    public static long? TimeOf(World w, Event e) =>
        e is DeferredProbeTimeout ? DeferredProbeTimeoutDue(w)
        : w.Machine.Index.Timeline.NextTime(e, w.Clock);

    /// <summary>
    /// 6.15: a timed script action and the deferred-probe timeout keep the order of their times in
    /// every ordering (docs/semantics.md, "Timed actions"): an action scripted before the timeout is
    /// not possible once it has fired, one scripted after it not before. Null when E may come now.
    /// Reads only the machine and <see cref="World.ProbeTimeoutDone"/>, never the clock.
    /// </summary>
    private static string? OutOfTimeOrder(World w, Event e)
    {
        if (w.Variants.Era != KernelEra.V6_15)
            return null;
        var timeline = w.Machine.Index.Timeline;
        return timeline.Side(e) switch
        {
            TimeoutSide.Before when w.ProbeTimeoutDone =>
                $"scripted at {Seconds(timeline.Times(e)[^1])}, before the deferred-probe timeout (which has fired)",
            TimeoutSide.After when !w.ProbeTimeoutDone =>
                $"scripted at {Seconds(timeline.Times(e)[0])}, after the deferred-probe timeout (which has not fired yet)",
            _ => null,
        };
    }

    private static string Seconds(long micros) =>
        (micros / 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture) + "."
        + (micros % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
