using System.Globalization;
using System.Text;
using System.Text.Json;
using Checker.Properties.Matrix;
using Checker.Properties.Verdicts;

namespace Checker.Cli.Rendering;

/// <summary>
/// A matrix as the user sees it: a plain-text table with aligned columns and one footnote per
/// failing cell, or a JSON document with every failing cell's full counterexample. Everything but
/// the `stats` objects is a pure function of the scenario, the options and the seed.
/// </summary>
public sealed record MatrixReport(string Scenario, MatrixOptions Options, MatrixResult Result)
{
    /// <summary>Why the cell's property has nothing to compare on the machine under the cell's variants, or null.</summary>
    public string? VacuousReason(MatrixCell cell) =>
        cell.Passed ? Vacuity.Reason(Result.Machine with { Variants = cell.Row.Variants }, cell.Invariant) : null;

    public string Text()
    {
        var r = Result;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"checker matrix {Scenario}: seed {Options.Seed}, {Options.MaxTests} orderings per cell, ")
          .Append(Options.AllVariants ? "every combination of every variant\n"
              : $"one key at a time over the keys that matter: {(r.Keys.IsEmpty ? "(none)" : string.Join(", ", r.Keys))}\n");
        sb.Append('\n');
        var header = new List<string> { "variant" };
        header.AddRange(r.Columns.Select((_, c) => $"I{c + 1}"));
        var table = new List<List<string>> { header };
        var notes = new List<string>();
        for (int row = 0; row < r.Rows.Length; row++)
        {
            var line = new List<string> { r.Rows[row].Label };
            for (int c = 0; c < r.Columns.Length; c++)
            {
                var cell = r.Cell(row, c);
                if (cell.Passed)
                {
                    line.Add(VacuousReason(cell) is null ? "pass" : "vacuous");
                    continue;
                }
                notes.Add($"[{notes.Count + 1}] {cell.Row.Label} x {cell.Invariant.Name} ({cell.Shrunk!.Events.Length} events): {cell.Shrunk.Violation.Message}");
                line.Add($"{cell.Shrunk.Events.Length}ev[{notes.Count}]");
            }
            table.Add(line);
        }
        var widths = Enumerable.Range(0, header.Count).Select(c => table.Max(l => l[c].Length)).ToList();
        foreach (var line in table)
            sb.Append(string.Join("  ", line.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
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
        int vacuousCells = r.Cells.Count(cell => VacuousReason(cell) is not null);
        var vacuousText = vacuousCells > 0 ? string.Create(CultureInfo.InvariantCulture, $", {vacuousCells} vacuous (nothing to compare)") : "";
        sb.Append(CultureInfo.InvariantCulture, $"\nchecker: {r.Rows.Length} rows x {r.Columns.Length} invariants, {failing} failing cells{vacuousText} (seed {Options.Seed}).\n");
        return sb.ToString();
    }

    public string Json() => JsonOut.Write(w =>
    {
        var r = Result;
        w.WriteStartObject();
        w.WriteString("scenario", Scenario);
        w.WriteNumber("seed", Options.Seed);
        w.WriteNumber("maxTests", Options.MaxTests);
        w.WriteBoolean("allVariants", Options.AllVariants);
        JsonOut.StringArray(w, "keys", r.Keys);
        JsonOut.StringArray(w, "columns", r.Columns.Select(c => c.Name));
        w.WriteStartArray("rows");
        for (int row = 0; row < r.Rows.Length; row++)
        {
            w.WriteStartObject();
            w.WriteString("label", r.Rows[row].Label);
            CounterexampleReport.WriteVariants(w, r.Rows[row].Variants);
            w.WriteStartArray("cells");
            for (int c = 0; c < r.Columns.Length; c++)
                WriteCell(w, r.Cell(row, c));
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("stats");
        w.WriteNumber("cells", r.Cells.Length);
        w.WriteNumber("milliseconds", r.Milliseconds);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private void WriteCell(Utf8JsonWriter w, MatrixCell cell)
    {
        w.WriteStartObject();
        w.WriteString("property", cell.Invariant.Name);
        var vacuous = VacuousReason(cell);
        w.WriteString("status", !cell.Passed ? "counterexample" : vacuous is null ? "passed" : "vacuous");
        w.WriteBoolean("vacuous", vacuous is not null);
        if (vacuous is not null)
            w.WriteString("vacuousReason", vacuous);
        w.WriteNumber("tests", cell.Outcome.Tests);
        if (cell.Shrunk is { } shrunk)
        {
            w.WriteNumber("events", shrunk.Events.Length);
            w.WriteString("message", shrunk.Violation.Message);
            w.WritePropertyName("counterexample");
            new CounterexampleReport(Scenario, cell.Row.Variants, Options.Seed, cell.Outcome.FailingTest, cell.Outcome.Found!.Events.Length,
                shrunk, ReplayCommand(cell), new CheckStats(cell.Outcome.Tests, cell.Outcome.Steps, cell.ShrinkTried, cell.Milliseconds)).WriteJson(w);
        }
        w.WriteStartObject("stats");
        w.WriteNumber("steps", cell.Outcome.Steps);
        w.WriteNumber("milliseconds", cell.Milliseconds);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The `check` command that finds this cell's counterexample again: its property, its row's variants, the seed and budget.</summary>
    private string ReplayCommand(MatrixCell cell)
    {
        var parts = new List<string> { "checker", "check", Scenario, "--property", cell.Invariant.Name };
        foreach (var pair in cell.Row.Variants.NonDefaultPairs())
            parts.AddRange(["--variant", pair]);
        parts.AddRange(["--seed", Options.Seed.ToString(CultureInfo.InvariantCulture)]);
        parts.AddRange(["--max-tests", Options.MaxTests.ToString(CultureInfo.InvariantCulture)]);
        return string.Join(" ", parts);
    }
}
