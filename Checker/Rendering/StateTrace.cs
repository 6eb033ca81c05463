using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;

namespace Checker.Cli.Rendering;

/// <summary>
/// `replay --verbose` and `--step`: the run as an error trace, one state after another, each
/// shown by what the event changed (devices, groups, IOMMU instances, DMA ops, the deferred
/// lists) and the boot-log lines it printed, the way TLC prints the states of an error trace.
/// </summary>
public static class StateTrace
{
    /// <summary>Prints the trace of EVENTS on M to OUT; with PAUSE, waits for a line from it after each event.</summary>
    public static void Print(Machine m, ImmutableArray<Event> events, TextWriter output, TextReader? pause)
    {
        var w = Kernel.Boot(m);
        output.WriteLine("State 0: boot (nothing added, nothing registered)");
        output.WriteLine();
        for (int i = 0; i < events.Length; i++)
        {
            var before = w;
            w = Kernel.Step(w, events[i]);
            output.WriteLine($"State {i + 1}: after event {i + 1}, {EventText.Format(m, events[i])}");
            var changes = Diff(before, w).ToList();
            foreach (var line in changes.DefaultIfEmpty("(nothing changed)"))
                output.WriteLine("  " + line);
            foreach (var line in w.Log.Lines.Skip(before.Log.Count))
                output.WriteLine("  | " + line.Format());
            output.WriteLine();
            if (pause is not null && i + 1 < events.Length)
            {
                output.Write("-- Enter for the next event --");
                output.Flush();
                pause.ReadLine();
            }
        }
    }

    /// <summary>Every difference between two worlds of one machine, one line each.</summary>
    public static IEnumerable<string> Diff(World a, World b)
    {
        var m = b.Machine;
        for (int d = 0; d < m.Devices.Length; d++)
        {
            var x = a.Device(d);
            var y = b.Device(d);
            if (x == y)
                continue;
            var parts = new List<string>();
            if (x.Present != y.Present)
                parts.Add(y.Present ? "added" : "removed");
            if (x.Status != y.Status)
                parts.Add($"status {Status(x.Status)} -> {Status(y.Status)}");
            if (x.Driver != y.Driver)
                parts.Add($"driver {Driver(m, x.Driver)} -> {Driver(m, y.Driver)}");
            if (x.Group != y.Group)
                parts.Add($"group {Group(x.Group)} -> {Group(y.Group)}");
            if (x.Ops != y.Ops)
                parts.Add($"ops {x.Ops.Describe(m)} -> {y.Ops.Describe(m)}");
            if (x.Coherent != y.Coherent)
                parts.Add($"coherent {x.Coherent} -> {y.Coherent}".ToLowerInvariant());
            if (x.CoherentMask != y.CoherentMask)
                parts.Add($"coherent mask 0x{x.CoherentMask:x} -> 0x{y.CoherentMask:x}");
            if (x.LiveConfigures != y.LiveConfigures)
                parts.Add($"dma_configure count {x.LiveConfigures} -> {y.LiveConfigures}");
            if (x.HasFwspec != y.HasFwspec)
                parts.Add(y.HasFwspec ? "fwspec set" : "fwspec cleared");
            if (x.Fallback != y.Fallback)
                parts.Add($"fallback {x.Fallback} -> {y.Fallback}");
            if (x.PendingProbeErrno != y.PendingProbeErrno || x.PendingAttachFailure != y.PendingAttachFailure)
                parts.Add(y.PendingProbeErrno != 0 ? $"next probe fails with {y.PendingProbeErrno}"
                    : y.PendingAttachFailure ? "next attach fails" : "pending fault used");
            if (x.Detached != y.Detached)
                parts.Add(y.Detached ? "detached (unbind/rmmod)" : "no longer detached");
            if (parts.Count > 0)
                yield return $"device {m.Devices[d].Name}: {string.Join(", ", parts)}";
        }
        for (int i = 0; i < m.Iommus.Length; i++)
        {
            var x = a.Instances[i];
            var y = b.Instances[i];
            if (x.Registered != y.Registered)
                yield return $"iommu {m.Iommus[i].Name}: {(y.Registered ? $"registered (generation {y.Generation})" : "unregistered")}";
            if (x.DomainsInUse != y.DomainsInUse)
                yield return $"iommu {m.Iommus[i].Name}: contexts in use {x.DomainsInUse} -> {y.DomainsInUse}";
        }
        foreach (var (id, g) in b.Groups)
        {
            if (!a.Groups.TryGetValue(id, out var old))
                yield return $"group {id}: created by {m.Iommus[g.Instance].Name}, members {Names(m, g.Members)}";
            else if (old.Members != g.Members && !old.Members.SequenceEqual(g.Members))
                yield return $"group {id}: members {Names(m, old.Members)} -> {Names(m, g.Members)}";
        }
        foreach (var (id, _) in a.Groups)
            if (!b.Groups.ContainsKey(id))
                yield return $"group {id}: freed";
        if (!a.DeferredPending.SequenceEqual(b.DeferredPending))
            yield return $"deferred_probe_pending_list: {Names(m, a.DeferredPending)} -> {Names(m, b.DeferredPending)}";
        if (!a.DeferredActive.SequenceEqual(b.DeferredActive))
            yield return $"deferred_probe_active_list: {Names(m, a.DeferredActive)} -> {Names(m, b.DeferredActive)}";
        if (a.WorkQueued != b.WorkQueued)
            yield return b.WorkQueued ? "deferred probe work queued" : "deferred probe work done";
        if (a.DeferredProbeEnabled != b.DeferredProbeEnabled)
            yield return "driver_deferred_probe_enable = true";
        if (a.InitcallsDone != b.InitcallsDone)
            yield return "initcalls done";
        for (int r = 0; r < m.Drivers.Length; r++)
            if (a.DriverRegistered[r] != b.DriverRegistered[r])
                yield return $"driver {m.Drivers[r].Name}: {(b.DriverRegistered[r] ? "registered" : "unregistered")}";
    }

    private static string Names(Machine m, IEnumerable<int> devices)
    {
        var names = devices.Select(d => m.Devices[d].Name).ToList();
        return names.Count == 0 ? "[]" : "[" + string.Join(", ", names) + "]";
    }

    public static string Status(ProbeStatus s) => s.ToString().ToLowerInvariant();

    private static string Driver(Machine m, int drv) => drv == DeviceState.NoDriver ? "none" : m.Drivers[drv].Name;

    private static string Group(int g) => g == DeviceState.NoGroup ? "none" : g.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
