using System.Collections;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Checker.Model.State;

/// <summary>
/// The boot log: a persistent append-only list of lines. <see cref="Add"/> allocates one cell
/// (the lines before it are shared, never copied); reading by index or enumerating puts the lines
/// in an array the first time and keeps it. Equality is by reference, as for the immutable
/// collections.
/// </summary>
public sealed class BootLog : IReadOnlyList<LogLine>
{
    public static readonly BootLog Empty = new(null, null, 0);

    private readonly BootLog? _previous;
    private readonly LogLine? _last;
    [DerivedCache] private ImmutableArray<LogLine> _lines;

    private BootLog(BootLog? previous, LogLine? last, int count)
    {
        _previous = previous;
        _last = last;
        Count = count;
        if (count == 0)
            _lines = [];
    }

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    /// <summary>This log with LINE at its end.</summary>
    public BootLog Add(LogLine line) => new(this, line, Count + 1);

    public LogLine this[int index] => Lines[index];

    /// <summary>Every line, first to last.</summary>
    public ImmutableArray<LogLine> Lines
    {
        get
        {
            var lines = _lines;
            if (lines.IsDefault)
                _lines = lines = Materialise();
            return lines;
        }
    }

    /// <summary>The lines in an array: from the nearest earlier log that has one, else from the first line.</summary>
    private ImmutableArray<LogLine> Materialise()
    {
        var array = new LogLine[Count];
        int i = Count;
        for (var cell = this; i > 0; cell = cell._previous!)
        {
            var cached = cell._lines;
            if (!cached.IsDefault)
            {
                cached.CopyTo(0, array, 0, i);
                break;
            }
            array[--i] = cell._last!;
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(array);
    }

    public ImmutableArray<LogLine>.Enumerator GetEnumerator() => Lines.GetEnumerator();

    IEnumerator<LogLine> IEnumerable<LogLine>.GetEnumerator() => ((IEnumerable<LogLine>)Lines).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Lines).GetEnumerator();
}
