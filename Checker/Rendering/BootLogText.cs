using Checker.Model.State;
using Checker.Properties.Exploration;

namespace Checker.Cli.Rendering;

/// <summary>The human forms of a run: dmesg lines, the group table, violation lines.</summary>
public static class BootLogText
{
    /// <summary>The log in dmesg form; debug-level lines only when VERBOSE.</summary>
    public static IEnumerable<string> Lines(World w, bool verbose) =>
        w.Log.Where(l => verbose || l.Level != LogLevel.Debug).Select(l => l.Format());

    /// <summary>The final groups, by id, members in the order they joined.</summary>
    public static IEnumerable<(int Id, IReadOnlyList<string> Members)> Groups(World w) =>
        w.Groups.Values.Select(g => (g.Id, (IReadOnlyList<string>)g.Members.Select(d => w.Machine.Devices[d].Name).ToList()));

    public static IEnumerable<string> GroupTable(World w)
    {
        yield return "IOMMU groups:";
        if (w.Groups.IsEmpty)
            yield return "  (none)";
        foreach (var (id, members) in Groups(w))
            yield return $"  group {id,3}: {string.Join(" ", members)}";
    }

    /// <summary>One device's outcome: where it ended and how many times its probe was deferred on the way.</summary>
    public sealed record DeviceSummary(string Name, string Status, string? Driver, string Ops, int Deferrals, long? BoundAtMicros);

    /// <summary>Every device of the machine that was ever added, in machine order.</summary>
    public static IEnumerable<DeviceSummary> Devices(World w)
    {
        var m = w.Machine;
        // One pass over the log: per device, its deferral lines and its last bound line.
        var deferralsOf = new int[m.Devices.Length];
        var lastBound = new LogLine?[m.Devices.Length];
        foreach (var l in w.Log)
        {
            if (l.Device < 0 || l.Device >= m.Devices.Length)
                continue;
            if (l.Tag == LogTag.ProbeDeferred)
                deferralsOf[l.Device]++;
            else if (l.Tag == LogTag.Bound)
                lastBound[l.Device] = l;
        }
        var devices = w.Devices;
        for (int dev = 0; dev < m.Devices.Length; dev++)
        {
            var d = devices[dev];
            if (!d.EverAdded)
                continue;
            int deferrals = deferralsOf[dev];
            var bound = lastBound[dev];
            string status = !d.Present ? "removed" : d.Status.ToString().ToLowerInvariant();
            yield return new DeviceSummary(m.Devices[dev].Name, status, d.IsBound ? m.Drivers[d.Driver].Name : null,
                d.Ops.IsSet ? d.Ops.Describe(m) : "no dma_ops", deferrals, d.IsBound ? bound?.Micros : null);
        }
    }

    public static IEnumerable<string> DeviceTable(World w)
    {
        var rows = Devices(w).ToList();
        int width = rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max();
        yield return "Devices:";
        foreach (var r in rows)
        {
            string outcome = r.Driver is not null ? $"bound to {r.Driver}" : r.Status;
            string deferred = r.Deferrals > 0 ? $", probe deferred {r.Deferrals}x" + (r.BoundAtMicros is long t ? $" then bound at {new LogLine(t, LogLevel.Info, "").Format().TrimEnd()}" : "") : "";
            yield return $"  {r.Name.PadRight(width)}  {outcome}{deferred}; {r.Ops}";
        }
    }

    /// <summary>The violation as `checker:` lines: one, or with several findings a line for each under it.</summary>
    public static string ViolationLine(RunResult run, FoundViolation v)
    {
        string head = $"checker: violation {v.Violation.Property} at event {v.Step + 1} ({Model.Events.EventText.Format(run.Final.Machine, run.Events[v.Step].Event)}): ";
        if (v.Violation.Findings.Length <= 1)
            return head + v.Violation.Message;
        return head + $"{v.Violation.Findings.Length} violations"
            + string.Concat(v.Violation.Findings.Select((f, i) => $"\nchecker:   {i + 1}. {f.Message}"));
    }
}
