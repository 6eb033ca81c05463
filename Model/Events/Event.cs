namespace Checker.Model.Events;

/// <summary>
/// One atomic step of the model (docs/semantics.md, "Events", "Events and the clock"). Devices, drivers and
/// IOMMU instances are named by their index in the <see cref="State.Machine"/>; <see cref="EventText"/>
/// converts to and from the names a kernel engineer reads.
/// </summary>
public abstract record Event
{
    private protected Event() { }
}

/// <summary>device_add of a device present at boot (parents before children).</summary>
public sealed record AddDevice(int Device) : Event;

/// <summary>driver_register of a built-in driver at its initcall.</summary>
public sealed record RegisterDriver(int Driver) : Event;

/// <summary>The late_initcall of drivers/base/dd.c: enable deferred probing, flush, initcalls done, flush.</summary>
public sealed record LateInitcall : Event;

/// <summary>One run of deferred_probe_work_func, when work is queued (the script's `wait`).</summary>
public sealed record DeferredWork : Event;

/// <summary>Script macro: add every boot device, register the built-ins, late_initcall.</summary>
public sealed record Boot : Event;

/// <summary>
/// 6.15: deferred_probe_timeout_work_func(), `kernel.deferred-probe-timeout` seconds after
/// late_initcall: waiting DT masters give up, fw_devlink links are relaxed, the work is flushed.
/// </summary>
public sealed record DeferredProbeTimeout : Event;

public sealed record Modprobe(int Driver) : Event;
public sealed record Rmmod(int Driver) : Event;
public sealed record SriovEnable(int PhysFn, int Count) : Event;
public sealed record Unbind(int Device) : Event;
public sealed record Bind(int Device, int Driver) : Event;
public sealed record HotAdd(int Device) : Event;
public sealed record HotRemove(int Device) : Event;

/// <summary>Fault injection: the next probe of DEVICE returns ERRNO (negative).</summary>
public sealed record FailNextProbe(int Device, int Errno) : Event;

/// <summary>Fault injection: the next domain attach of DEVICE fails with -ENOSPC.</summary>
public sealed record FailNextAttach(int Device) : Event;

/// <summary>Fault injection: the next default-domain allocation of IOMMU fails.</summary>
public sealed record FailDomainAlloc(int Iommu) : Event;
