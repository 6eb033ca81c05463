using Checker.Model.State;

namespace Checker.Model.Semantics;

/// <summary>Boot-log writing: every line advances the clock by 1 µs (spec section 3, "Clock").</summary>
internal static class Log
{
    public static World Line(World w, LogLevel level, string text, LogTag tag = LogTag.None, int device = -1)
    {
        if (w.Quiet)
            return w;
        long now = w.Clock + 1;
        return w with { Clock = now, Log = w.Log.Add(new LogLine(now, level, text, tag, device)) };
    }

    /// <summary>dev_driver_string(): the bound (or probing) driver's name, else the bus name.</summary>
    public static string Prefix(World w, int dev)
    {
        int drv = w.Devices[dev].Driver;
        return drv >= 0 ? w.Machine.Drivers[drv].Name : w.Machine.Devices[dev].Bus.BusName();
    }

    /// <summary>A dev_info()/dev_warn()/dev_err() line: `prefix dev_name: message`.</summary>
    public static World Dev(World w, int dev, string message, LogLevel level = LogLevel.Info, LogTag tag = LogTag.None) =>
        w.Quiet ? Line(w, level, "", tag, dev) : Line(w, level, $"{Prefix(w, dev)} {w.Machine.Devices[dev].Name}: {message}", tag, dev);

    /// <summary>A dev_*() line printed with an explicit prefix (the bus name, where the kernel's caller has no driver).</summary>
    public static World DevWithPrefix(World w, string prefix, int dev, string message) =>
        w.Quiet ? Line(w, LogLevel.Info, "") : Line(w, LogLevel.Info, $"{prefix} {w.Machine.Devices[dev].Name}: {message}");

    public static World Checker(World w, string message) => Line(w, LogLevel.Checker, w.Quiet ? "" : "checker: " + message);

    public static World Debug(World w, string text) => Line(w, LogLevel.Debug, text);

    public static World Trace(World w, TraceEntry entry) => w with { Trace = w.Trace.Add(entry) };
}
