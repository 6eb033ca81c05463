using DiffPlex;
using DiffPlex.Chunkers;

namespace Checker.Cli.Rendering;

/// <summary>How a row of a two-sided line diff compares.</summary>
public enum DiffKind { Same, Changed, LeftOnly, RightOnly }

/// <summary>One row of a side-by-side diff: a left line, a right line, or both.</summary>
public sealed record DiffRow(DiffKind Kind, string? Left, string? Right);

/// <summary>
/// Two sequences of lines aligned as a diff (DiffPlex's Myers diff): equal lines face each other,
/// a line only one side has gets a row of its own, so one missing line does not shift every later
/// line into a mismatch. Within a changed block, lines are paired in order as changed rows and the
/// surplus of the longer side stands alone.
/// </summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffRow> Align(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        if (left.Count == 0 || right.Count == 0)
            return [.. left.Select(l => new DiffRow(DiffKind.LeftOnly, l, null)), .. right.Select(r => new DiffRow(DiffKind.RightOnly, null, r))];
        var diff = new Differ().CreateDiffs(string.Join("\n", left), string.Join("\n", right), ignoreWhiteSpace: false, ignoreCase: false, new LineChunker());
        if (diff.PiecesOld.Count != left.Count || diff.PiecesNew.Count != right.Count)
            throw new ArgumentException("a line holds a line break");
        var rows = new List<DiffRow>();
        int a = 0, b = 0;
        foreach (var block in diff.DiffBlocks)
        {
            for (; a < block.DeleteStartA; a++, b++)
                rows.Add(new DiffRow(DiffKind.Same, left[a], right[b]));
            int paired = Math.Min(block.DeleteCountA, block.InsertCountB);
            for (int i = 0; i < paired; i++)
                rows.Add(new DiffRow(DiffKind.Changed, left[a + i], right[b + i]));
            for (int i = paired; i < block.DeleteCountA; i++)
                rows.Add(new DiffRow(DiffKind.LeftOnly, left[a + i], null));
            for (int i = paired; i < block.InsertCountB; i++)
                rows.Add(new DiffRow(DiffKind.RightOnly, null, right[b + i]));
            a += block.DeleteCountA;
            b += block.InsertCountB;
        }
        for (; a < left.Count; a++, b++)
            rows.Add(new DiffRow(DiffKind.Same, left[a], right[b]));
        return rows;
    }

}
