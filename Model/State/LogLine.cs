using System.Globalization;

namespace Checker.Model.State;

/// <summary>Who printed a line: the kernel at info level or above, the kernel at debug level, or the checker.</summary>
public enum LogLevel { Info, Debug, Checker }

/// <summary>What a line records, for reports that summarise a run (probe deferrals, binds).</summary>
public enum LogTag { None, ProbeDeferred, Bound }

/// <summary>
/// One boot-log line; <see cref="Text"/> is everything after the timestamp. Lines about one
/// device's probe carry its index and a <see cref="LogTag"/>.
/// </summary>
public sealed record LogLine(long Micros, LogLevel Level, string Text, LogTag Tag = LogTag.None, int Device = -1)
{
    /// <summary>The dmesg form of spec section 8: `[SSSSS.UUUUUU] text`.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"[{Micros / 1_000_000,5}.{Micros % 1_000_000:D6}] {Text}");
}
