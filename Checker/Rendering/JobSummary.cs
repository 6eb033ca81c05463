using System.Globalization;
using System.Text;
using Checker.Properties.Verdicts;

namespace Checker.Cli.Rendering;

/// <summary>
/// A GitHub Actions job summary (markdown) of an `explore` or `matrix` run, for `--summary
/// "$GITHUB_STEP_SUMMARY"`: the verdict, a table of properties (or cells) and each counterexample
/// with its replay command. No wall-clock figure: the same run writes the same bytes.
/// </summary>
public static class JobSummary
{
    /// <summary>A verdict as a summary shows it: an icon and the word.</summary>
    private static string Mark(VerdictKind kind) => kind switch
    {
        VerdictKind.Counterexample => "❌",
        VerdictKind.Passed => "✅ passed",
        VerdictKind.Incomplete => "⏳ incomplete",
        _ => "⚪ vacuous",
    };

    /// <summary>The first line: the run's verdict in bold and its reason.</summary>
    private static string Headline(Verdict verdict) => $"**{verdict.Word}**: {Escape(verdict.Reason)}";

    public static string Explore(ExploreReport report)
    {
        var o = report.Outcome;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"## checker explore `{report.Scenario}`\n\n");
        sb.Append(Headline(report.Verdict));
        sb.Append(CultureInfo.InvariantCulture,
            $". {o.States:N0} states ({o.Transitions:N0} transitions) to depth {o.Depth} by {report.Options.Strategy.ToString().ToLowerInvariant()}");
        if (report.Options.Shard.Count > 1)
            sb.Append(CultureInfo.InvariantCulture, $", shard {report.Options.Shard}");
        sb.Append(o.Complete ? ", the whole space within the bound.\n\n" : ".\n\n");
        sb.Append("| property | result |\n| --- | --- |\n");
        foreach (var v in report.Verdicts)
            sb.Append(CultureInfo.InvariantCulture, $"| {v.Property} | {(report.Counterexamples.FirstOrDefault(r => r.Property == v.Property) is { } r
                ? $"{Mark(VerdictKind.Counterexample)} {r.Events.Length} events" : Mark(v.Verdict.Kind))} |\n");
        foreach (var r in report.Counterexamples)
            Counterexample(sb, r.Property, r);
        return sb.Append('\n').ToString();
    }

    public static string Matrix(MatrixReport report)
    {
        var r = report.Result;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"## checker matrix `{report.Scenario}`\n\n");
        sb.Append(Headline(report.Verdict));
        sb.Append(CultureInfo.InvariantCulture, $". {r.Rows.Length} rows x {r.Columns.Length} invariants, seed {report.Options.Seed}, {report.Options.MaxTests} orderings per cell.\n\n");
        sb.Append("| variant | kernel | ").Append(string.Join(" | ", r.Columns.Select((_, c) => $"I{c + 1}"))).Append(" |\n");
        sb.Append("| --- | --- |").Append(string.Concat(r.Columns.Select(_ => " --- |"))).Append('\n');
        var failed = new List<Rendering.MatrixFootnote>();
        for (int row = 0; row < r.Rows.Length; row++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Rows[row].Label} | {r.Rows[row].Kernel} |");
            for (int c = 0; c < r.Columns.Length; c++)
            {
                var cell = r.Cell(row, c);
                if (cell.Shrunk is null)
                {
                    sb.Append(' ').Append(Mark(cell.Verdict(report.Options, r.Machine).Kind)).Append(" |");
                    continue;
                }
                failed.Add(new MatrixFootnote(failed.Count + 1, cell));
                sb.Append(CultureInfo.InvariantCulture, $" {Mark(VerdictKind.Counterexample)} {cell.Shrunk.Events.Length}ev [{failed.Count}] |");
            }
            sb.Append('\n');
        }
        sb.Append('\n').Append(string.Join(", ", r.Columns.Select((inv, c) => $"I{c + 1} {inv.Name}"))).Append('\n');
        foreach (var note in failed)
            Counterexample(sb, $"[{note.Number}] {note.Cell.Row.Label} x {note.Cell.Invariant.Name}", report.CellReport(note.Cell));
        return sb.Append('\n').ToString();
    }

    private static void Counterexample(StringBuilder sb, string title, CounterexampleReport r)
    {
        sb.Append(CultureInfo.InvariantCulture, $"\n### {title}\n\n{Escape(r.Shrunk.Violation.Message)}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Replay: `{r.Replay}`\n\n");
        sb.Append("<details><summary>events and boot log</summary>\n\n```\n");
        foreach (var (e, i) in r.Events.Select((e, i) => (e, i)))
            sb.Append(CultureInfo.InvariantCulture, $"{i + 1,3}  {e}\n");
        sb.Append('\n');
        foreach (var line in r.BootLog)
            sb.Append(line).Append('\n');
        sb.Append("```\n\n</details>\n");
    }

    /// <summary>TEXT safe inside a markdown paragraph or table cell.</summary>
    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}

/// <summary>A failing matrix cell with its footnote number.</summary>
public sealed record MatrixFootnote(int Number, Properties.Matrix.MatrixCell Cell);
