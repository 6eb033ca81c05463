using Checker.Model.State;

namespace Checker.Model.Semantics;

/// <summary>Boot-log writing: every line advances the clock by 1 µs (docs/semantics.md, "Events", "Clock").</summary>
internal static class Log
{
    public static World Line(World w, LogLevel level, string text, LogTag tag = LogTag.None, int device = -1)
    {
        if (w.Quiet)
            return w;
        long now = w.Clock + 1;
        return w with { Clock = now, Log = w.Log.Add(new LogLine(now, level, text, tag, device)) };
    }

    /// <summary>A line whose text is built when first read.</summary>
    public static World Line(World w, LogLevel level, LogText text, LogTag tag = LogTag.None, int device = -1)
    {
        if (w.Quiet)
            return w;
        long now = w.Clock + 1;
        return w with { Clock = now, Log = w.Log.Add(new LogLine(now, level, text, tag, device)) };
    }

    /// <summary>
    /// The clock and log of W with one more line (W's own when it is quiet), for a caller that
    /// writes the line in the same copy of the world as its other changes:
    /// <c>var (clock, log) = Log.Appended(w, ...); w = w with { ..., Clock = clock, Log = log };</c>
    /// </summary>
    public static (long Clock, BootLog Log) Appended(World w, LogLevel level, string text, LogTag tag = LogTag.None, int device = -1)
    {
        if (w.Quiet)
            return (w.Clock, w.Log);
        long now = w.Clock + 1;
        return (now, w.Log.Add(new LogLine(now, level, text, tag, device)));
    }

    /// <summary><see cref="DevWithPrefix"/> as <see cref="Appended(World, LogLevel, string, LogTag, int)"/> makes a line.</summary>
    public static (long Clock, BootLog Log) DevWithPrefixAppended(World w, string prefix, int dev, string message)
    {
        if (w.Quiet)
            return (w.Clock, w.Log);
        long now = w.Clock + 1;
        return (now, w.Log.Add(new LogLine(now, LogLevel.Info, new DevText(prefix, w.Machine.Devices[dev].Name, message), LogTag.None, -1)));
    }

    /// <summary>dev_driver_string(): the bound (or probing) driver's name, else the bus name.</summary>
    public static string Prefix(World w, int dev)
    {
        int drv = w.Device(dev).Driver;
        return drv >= 0 ? w.Machine.Drivers[drv].Name : w.Machine.Devices[dev].Bus.BusName();
    }

    /// <summary>A dev_info()/dev_warn()/dev_err() line: `prefix dev_name: message`.</summary>
    public static World Dev(World w, int dev, string message, LogLevel level = LogLevel.Info, LogTag tag = LogTag.None) =>
        w.Quiet ? w : Line(w, level, new DevText(Prefix(w, dev), w.Machine.Devices[dev].Name, message), tag, dev);

    /// <summary>A dev_*() line printed with an explicit prefix (the bus name, where the kernel's caller has no driver).</summary>
    public static World DevWithPrefix(World w, string prefix, int dev, string message) =>
        w.Quiet ? w : Line(w, LogLevel.Info, new DevText(prefix, w.Machine.Devices[dev].Name, message));

    public static World Checker(World w, string message) => w.Quiet ? w : Line(w, LogLevel.Checker, new CheckerText(message));

    /// <summary>
    /// The step's first change: the clock set to CLOCK, the trace cleared, and (unless W is quiet)
    /// the `checker: ` line announcing event E at LEVEL, in one copy of the world.
    /// </summary>
    public static World StartStep(World w, long clock, LogLevel level, Events.Event e) =>
        w.Quiet
            ? w with { Clock = clock, Trace = [] }
            : w with { Clock = clock + 1, Trace = [], Log = w.Log.Add(new LogLine(clock + 1, level, new EventLineText(w.Machine, e), LogTag.None, -1)) };

    private sealed class DevText(string prefix, string name, string message) : LogText
    {
        private readonly string _prefix = prefix, _name = name, _message = message;

        public override string Render() => $"{_prefix} {_name}: {_message}";
    }

    private sealed class CheckerText(string message) : LogText
    {
        private readonly string _message = message;

        public override string Render() => "checker: " + _message;
    }

    private sealed class EventLineText(Machine m, Events.Event e) : LogText
    {
        private readonly Machine _machine = m;
        private readonly Events.Event _event = e;

        public override string Render() => "checker: " + Events.EventText.Format(_machine, _event);
    }

    public static World Debug(World w, string text) => Line(w, LogLevel.Debug, text);

    public static World Trace(World w, TraceEntry entry) => w with { Trace = w.Trace.Add(entry) };
}
