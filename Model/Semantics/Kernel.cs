using System.Runtime.CompilerServices;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Semantics;

/// <summary>The model's one pure entry point: <see cref="Step(World, Event)"/>.</summary>
public static partial class Kernel
{
    /// <summary>The state before the first event. On x86 the IOMMU is up before any device (pci_iommu_init).</summary>
    public static World Boot(Machine m)
    {
        var w = World.Initial(m);
        if (m.Arch == Arch.X86)
            for (int i = 0; i < m.Iommus.Length; i++)
                w = w.WithInstance(i, w.Instances[i] with { Registered = true, Generation = 1 });
        return w;
    }

    public static World Step(World w, Event e) => Step(w, e, null);

    /// <summary>
    /// One atomic event. The clock moves 1 ms, or to AT (a script action's `at:` in µs); without
    /// AT, to the event's own time when it has one (<see cref="TimeOf"/>), so that every ordering's
    /// log shows a timed action at its `at:` and the timeout at its time. The step's trace is
    /// cleared. An event that is not enabled in W changes nothing but the clock and says so.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static World Step(World w, Event e, long? atMicros)
    {
        long clock = (atMicros ?? TimeOf(w, e)) is long at && at > w.Clock ? at : w.Clock + 1000;
        if (e is Boot)
            return BootSequence(w with { Clock = clock, Trace = [] });
        if (WhyDisabled(w, e) is { } why)
            return Log.Checker(w with { Clock = clock, Trace = [] }, w.Quiet ? "" : $"{EventText.Format(w.Machine, e)}: not possible now ({why})");
        w = Announce(w, e, clock);
        return e switch
        {
            AddDevice a => DeviceAdd(w, a.Device),
            RegisterDriver r => DriverRegister(w, r.Driver),
            LateInitcall => DeferredProbeInitcall(w),
            DeferredWork => DeferredProbeWorkFunc(w),
            DeferredProbeTimeout => DeferredProbeTimeoutWorkFunc(w),
            Modprobe p => DriverRegister(w, p.Driver),
            Rmmod r => DeleteModule(w, r.Driver),
            SriovEnable s => SriovEnableVfs(w, s.PhysFn, s.Count),
            Unbind u => Detach(DeviceReleaseDriver(w, u.Device), u.Device),
            Bind b => BindStore(w, b.Device, b.Driver),
            HotAdd h => DeviceAdd(w, h.Device),
            HotRemove h => PciStopAndRemoveBusDevice(w, h.Device),
            FailNextProbe f => w.WithDevice(f.Device, w.Device(f.Device) with { PendingProbeErrno = f.Errno }),
            FailNextAttach f => w.WithDevice(f.Device, w.Device(f.Device) with { PendingAttachFailure = true }),
            FailDomainAlloc f => w.WithInstance(f.Iommu, w.Instances[f.Iommu] with { PendingDomainAllocFailure = true }),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e, "unknown event"),
        };
    }

    /// <summary>
    /// The script's `boot`: every boot device in file order, the built-in drivers by (initcall
    /// level, link order), then late_initcall, each as its own event (the same events exploration uses).
    /// </summary>
    public static IEnumerable<Event> BootEvents(Machine m)
    {
        foreach (var d in m.Devices.Where(d => d.PresentAtBoot))
            yield return new AddDevice(d.Index);
        foreach (var drv in m.Index.BuiltinOrder)
            yield return new RegisterDriver(drv);
        yield return new LateInitcall();
    }

    private static World BootSequence(World w)
    {
        foreach (var e in BootEvents(w.Machine))
        {
            var trace = w.Trace;
            w = Step(w, e);
            w = w with { Trace = trace.AddRange(w.Trace) };
        }
        return w;
    }

    /// <summary>
    /// Starts the step at CLOCK: script actions are logged as `checker:` lines; the boot's own
    /// steps only at debug level.
    /// </summary>
    private static World Announce(World w, Event e, long clock) =>
        Log.StartStep(w, clock, e is AddDevice or RegisterDriver or LateInitcall or DeferredWork or DeferredProbeTimeout ? LogLevel.Debug : LogLevel.Checker, e);
}
