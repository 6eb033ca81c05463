using System.Globalization;

namespace Checker.Model.State;

/// <summary>Who printed a line: the kernel at info level or above, the kernel at debug level, or the checker.</summary>
public enum LogLevel { Info, Debug, Checker }

/// <summary>One boot-log line; <see cref="Text"/> is everything after the timestamp.</summary>
public sealed record LogLine(long Micros, LogLevel Level, string Text)
{
    /// <summary>The dmesg form of spec section 8: `[SSSSS.UUUUUU] text`.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"[{Micros / 1_000_000,5}.{Micros % 1_000_000:D6}] {Text}");
}
