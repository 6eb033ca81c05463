using System.Globalization;

namespace Checker.Model.State;

/// <summary>Who printed a line: the kernel at info level or above, the kernel at debug level, or the checker.</summary>
public enum LogLevel { Info, Debug, Checker }

/// <summary>What a line records, for reports that summarise a run (probe deferrals, binds).</summary>
public enum LogTag { None, ProbeDeferred, Bound }

/// <summary>
/// One boot-log line; <see cref="Text"/> is everything after the timestamp. Lines about one
/// device's probe carry its index and a <see cref="LogTag"/>. The model builds the text of most
/// lines only when something reads it (<see cref="LogText"/>); equality, hashing and printing go
/// through <see cref="Text"/>, so a line is the same whichever way it was made.
/// </summary>
public sealed record LogLine
{
    [DerivedCache] private string? _text;
    private readonly LogText? _lazy;

    public LogLine(long Micros, LogLevel Level, string Text, LogTag Tag = LogTag.None, int Device = -1)
    {
        this.Micros = Micros;
        this.Level = Level;
        _text = Text;
        this.Tag = Tag;
        this.Device = Device;
    }

    internal LogLine(long micros, LogLevel level, LogText text, LogTag tag, int device)
    {
        Micros = micros;
        Level = level;
        _lazy = text;
        Tag = tag;
        Device = device;
    }

    public long Micros { get; init; }

    public LogLevel Level { get; init; }

    public string Text
    {
        get => _text ??= _lazy!.Render();
        init
        {
            _text = value;
            _lazy = null;
        }
    }

    public LogTag Tag { get; init; }

    public int Device { get; init; }

    public bool Equals(LogLine? other) =>
        other is not null && Micros == other.Micros && Level == other.Level && Tag == other.Tag && Device == other.Device
        && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Micros, Level, Text, Tag, Device);

    public void Deconstruct(out long Micros, out LogLevel Level, out string Text, out LogTag Tag, out int Device)
    {
        Micros = this.Micros;
        Level = this.Level;
        Text = this.Text;
        Tag = this.Tag;
        Device = this.Device;
    }

    /// <summary>The dmesg form of docs/semantics.md, "The boot log": `[SSSSS.UUUUUU] text`.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"[{Micros / 1_000_000,5}.{Micros % 1_000_000:D6}] {Text}");
}

/// <summary>The pieces of a log line's text, put together when the text is first read.</summary>
internal abstract class LogText
{
    public abstract string Render();
}
