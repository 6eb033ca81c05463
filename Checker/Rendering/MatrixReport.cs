using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;
using System.Collections.Immutable;
using Checker.Cli.Documents;
using Checker.Properties.Verdicts;
using Checker.Model.State;
using Checker.Properties.Matrix;

namespace Checker.Cli.Rendering;

/// <summary>
/// A matrix as the user sees it: a plain-text table with aligned columns and one footnote per
/// failing cell, or a JSON document with every failing cell's full counterexample. Everything but
/// the `stats` objects is a pure function of the scenario, the options and the seed.
/// </summary>
public sealed record MatrixReport(string Scenario, ScenarioDocument Source, MatrixOptions Options, MatrixResult Result)
{
    /// <summary>Every cell's verdict, row-major, labelled `row x property`.</summary>
    public ImmutableArray<PropertyVerdict> Verdicts =>
        [.. Result.Cells.Select(c => new PropertyVerdict($"{c.Row.Label} x {c.Invariant.Name}", c.Verdict(Options, Result.Machine)))];

    public Verdict Verdict => RunVerdicts.Overall(Verdicts);

    public int ExitCode => ExitCodes.Of(Verdict.Kind);

    /// <summary>The table, the legend, a footnote with the replay command per failing cell, the verdict; coloured cells when COLOUR.</summary>
    public string Text(bool colour = false)
    {
        var r = Result;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"checker matrix {Scenario}: kernel {Result.Machine.Variants.Era.Version()}, seed {Options.Seed}, {Options.MaxTests} orderings per cell{(Options.Faults ? ", with fault injections" : "")}, ")
          .Append(Options.AllVariants ? "every combination of every variant\n"
              : $"one key at a time over the keys that matter: {(r.Keys.IsEmpty ? "(none)" : string.Join(", ", r.Keys))}\n");
        sb.Append('\n');
        var table = Tables.Create([.. r.Columns.Select((_, c) => $"I{c + 1}").Prepend("kernel").Prepend("variant")]);
        var notes = new List<string>();
        for (int row = 0; row < r.Rows.Length; row++)
        {
            var line = new List<IRenderable> { Tables.Cell(r.Rows[row].Label), Tables.Cell(r.Rows[row].Kernel) };
            for (int c = 0; c < r.Columns.Length; c++)
            {
                var cell = r.Cell(row, c);
                if (cell.Passed)
                {
                    line.Add(cell.Verdict(Options, Result.Machine).Kind switch
                    {
                        VerdictKind.Passed => Tables.Cell("pass", Tone.Good),
                        VerdictKind.Vacuous => Tables.Cell("vacuous", Tone.Unfinished),
                        _ => Tables.Cell("incomplete", Tone.Unfinished),
                    });
                    continue;
                }
                notes.Add($"[{notes.Count + 1}] {cell.Row.Label} x {cell.Invariant.Name} ({cell.Shrunk!.Events.Length} events): {FindingsText(cell.Shrunk.Violation)}\n"
                    + $"    Replay: {ReplayCommand(cell)}");
                line.Add(Tables.Cell($"{cell.Shrunk.Events.Length}ev[{notes.Count}]", Tone.Bad));
            }
            table.AddRow(line);
        }
        sb.Append(Tables.Render(table, colour));
        sb.Append('\n');
        for (int c = 0; c < r.Columns.Length; c++)
            sb.Append(CultureInfo.InvariantCulture, $"I{c + 1,-3} {r.Columns[c].Name}\n");
        if (notes.Count > 0)
        {
            sb.Append('\n');
            foreach (var note in notes)
                sb.Append(note).Append('\n');
        }
        int failing = r.Cells.Count(cell => !cell.Passed);
        var verdict = Verdict;
        sb.Append(CultureInfo.InvariantCulture, $"\nchecker: {verdict.Word}: {r.Rows.Length} rows x {r.Columns.Length} invariants, {failing} failing cells (seed {Options.Seed}).\n");
        if (Verdicts.FirstOrDefault(v => v.Verdict.Kind == VerdictKind.Incomplete) is { } unfinished)
            sb.Append(CultureInfo.InvariantCulture, $"checker: {Verdicts.Count(v => v.Verdict.Kind == VerdictKind.Incomplete)} cells incomplete: {unfinished.Verdict.Reason}\n");
        return sb.ToString();
    }

    /// <summary>One finding on the footnote's line; several, each on its own indented line under it.</summary>
    private static string FindingsText(Properties.Invariants.Violation v) =>
        v.Findings.Length <= 1 ? v.Message
            : $"{v.Findings.Length} violations" + string.Concat(v.Findings.Select(f => "\n      - " + f.Message));

    public MatrixDocument ToDocument()
    {
        var r = Result;
        var verdict = Verdict;
        return new MatrixDocument(DocumentJson.SchemaVersion, DocumentJson.Tool, "matrix", verdict.Kind, verdict.Reason, Source,
            Options.Seed, Options.MaxTests, Options.AllVariants, r.Keys, [.. r.Columns.Select(c => c.Name)],
            [.. r.Rows.Select((row, i) => new MatrixRowDocument(row.Label, ScenarioDocuments.Variants(row.Variants),
                [.. r.Columns.Select((_, c) => Cell(r.Cell(i, c)))]))],
            new MatrixStatsDocument(r.Cells.Length, r.Milliseconds));
    }

    private MatrixCellDocument Cell(MatrixCell cell)
    {
        var verdict = cell.Verdict(Options, Result.Machine);
        CounterexampleDocument? counterexample = cell.Shrunk is null ? null : CellReport(cell).ToDocument();
        return new MatrixCellDocument(cell.Invariant.Name, verdict.Kind, verdict.Reason, cell.Outcome.Tests,
            cell.Shrunk?.Events.Length, cell.Shrunk?.Violation.Message, counterexample,
            new MatrixCellStatsDocument(cell.Outcome.Steps, cell.Milliseconds),
            verdict.Kind == VerdictKind.Vacuous, verdict.Kind == VerdictKind.Vacuous ? verdict.Reason : null);
    }

    /// <summary>The shrunk counterexample of a failing CELL, as `check` reports it.</summary>
    public CounterexampleReport CellReport(MatrixCell cell) =>
        new(Scenario, Source, cell.Row.Variants, Options.Seed, cell.Outcome.FailingTest, cell.Outcome.Found!.Events.Length,
            cell.Shrunk!, ReplayCommand(cell), new CheckStats(cell.Outcome.Tests, cell.Outcome.Steps, cell.ShrinkTried, cell.Milliseconds));

    /// <summary>A JUnit report: one suite per row, one test case per cell.</summary>
    public string Junit() => Rendering.Junit.Matrix(Scenario, Options, Result, CellReport);

    /// <summary>The `check` command that finds this cell's counterexample again: its property, its row's variants, the seed and budget.</summary>
    public string ReplayCommand(MatrixCell cell)
    {
        var parts = new List<string> { "checker", "check", Scenario, "--property", cell.Invariant.Name };
        if (cell.Row.Variants.Era != KernelEra.V5_3)
            parts.AddRange(["--kernel", cell.Row.Kernel]);
        foreach (var pair in cell.Row.Variants.NonDefaultPairs())
            parts.AddRange(["--variant", pair]);
        parts.AddRange(["--seed", Options.Seed.ToString(CultureInfo.InvariantCulture)]);
        parts.AddRange(["--max-tests", Options.MaxTests.ToString(CultureInfo.InvariantCulture)]);
        if (Options.Faults)
            parts.Add("--faults");
        return string.Join(" ", parts);
    }
}
