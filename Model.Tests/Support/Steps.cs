using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Support;

/// <summary>
/// Runs events written as text (`add DEV`, `register DRV`, `late-initcall`, ...) through
/// <see cref="Kernel.Step(World, Event, long?)"/>. An event that is not enabled is a test error, not
/// a silent no-op, so a test cannot pass because its script did nothing.
/// </summary>
public static class Steps
{
    public static Event Parse(Machine m, string text)
    {
        var (e, error) = EventText.Parse(m, text);
        return e ?? throw new ArgumentException($"'{text}': {error}");
    }

    public static World Apply(World w, string text, long? atMicros = null)
    {
        var e = Parse(w.Machine, text);
        if (Kernel.WhyDisabled(w, e) is { } why)
            throw new InvalidOperationException($"'{text}' is not enabled: {why}");
        return Kernel.Step(w, e, atMicros);
    }

    /// <summary>EVENTS from the boot state, one step each.</summary>
    public static World Run(Machine m, params string[] events) => Continue(Kernel.Boot(m), events);

    public static World Continue(World w, params string[] events) => events.Aggregate(w, (s, t) => Apply(s, t));

    /// <summary>EVENTS from the boot state with every invariant of the catalogue checked after each step.</summary>
    public static RunResult Check(Machine m, params string[] events)
    {
        var w = Kernel.Boot(m);
        var timed = new List<TimedEvent>();
        foreach (var text in events)
        {
            w = Apply(w, text);
            timed.Add(new TimedEvent(Parse(m, text), null));
        }
        return Runner.Run(m, timed, Catalogue.All, stopAtFirst: false);
    }

    /// <summary>The distinct (property, device) pairs a run broke, as `Property dev_name` strings.</summary>
    public static IEnumerable<string> Broken(this RunResult r) =>
        r.Violations.Select(v => $"{v.Violation.Property} {string.Join(",", v.Violation.Devices)}").Distinct();

    public static DeviceState Dev(this World w, string name)
    {
        int i = w.Machine.DeviceIndex(name);
        return i >= 0 ? w.Devices[i] : throw new ArgumentException($"no device {name}");
    }

    public static int GroupOf(this World w, string name) => w.Dev(name).Group;

    /// <summary>The text of the kernel's info-level lines (what dmesg shows without --verbose).</summary>
    public static List<string> InfoLines(this World w) =>
        w.Log.Where(l => l.Level == LogLevel.Info).Select(l => l.Text).ToList();

    /// <summary>
    /// Every public property of W as a structural dump (<see cref="Structure.Dump"/>), so that a
    /// later comparison shows whether anything reachable from W changed.
    /// </summary>
    public static Dictionary<string, string> Snapshot(World w) =>
        typeof(World).GetProperties().Where(p => p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, p => Structure.Dump(p.GetValue(w)));

    /// <summary>The names of the properties whose values differ between two snapshots.</summary>
    public static List<string> Differences(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Keys.Where(k => a[k] != b[k]).ToList();
}
