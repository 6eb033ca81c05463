using System.Collections.Immutable;
using System.Diagnostics;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;
using Checker.Properties.Verdicts;

namespace Checker.Properties.Matrix;

/// <summary>One row of the matrix: a label (`groups=per-instance`) and the variants it runs with (the era among them).</summary>
public sealed record MatrixRow(string Label, Variants Variants)
{
    /// <summary>The kernel era whose rules the row ran (`5.3`, `6.15`).</summary>
    public string Kernel => Variants.Era.Version();
}

/// <summary>
/// One cell: one invariant explored on one row's variants. <see cref="Shrunk"/> is the shrunk
/// counterexample when the exploration found one.
/// </summary>
public sealed record MatrixCell(MatrixRow Row, Invariant Invariant, CheckOutcome Outcome, Counterexample? Shrunk, int ShrinkTried, long Milliseconds)
{
    public bool Passed => Shrunk is null;

    /// <summary>
    /// The cell's verdict: counterexample, passed (every ordering asked tried), incomplete (Ctrl-C
    /// stopped it) or, given the machine, vacuous (its property has nothing to compare under the row's variants).
    /// </summary>
    public Verdict Verdict(MatrixOptions options, Machine? machine = null) =>
        RunVerdicts.OfCheck(VariantMatrix.CellOptions(Invariant, options), Outcome, machine is null ? null : machine with { Variants = Row.Variants })[0].Verdict;
}

/// <summary>What `matrix` is asked to do; GEN is the generation of every cell (check's default unless `--faults`).</summary>
public sealed record MatrixOptions(ImmutableArray<Invariant> Invariants, ulong Seed, int MaxTests, bool AllVariants, GenConfig? Gen = null)
{
    /// <summary>The generation every cell uses.</summary>
    public GenConfig Generation => Gen ?? VariantMatrix.Generation;

    /// <summary>Whether the cells also generate fault injections (`--faults`).</summary>
    public bool Faults => Gen is { } g && g.Weights[EventKind.FailNextProbe] > 0;

    /// <summary>Smaller than check's 10,000: the matrix runs rows x columns explorations (docs/PERFORMANCE.md).</summary>
    public const int DefaultMaxTests = 1000;

    /// <summary>Ctrl-C: cells under way end after their batch, cells not started try nothing.</summary>
    public CancellationToken Cancel { get; init; }
}

/// <summary>The matrix: rows (variants) x columns (invariants), row-major.</summary>
public sealed record MatrixResult(Machine Machine, ImmutableArray<string> Keys, ImmutableArray<MatrixRow> Rows, ImmutableArray<Invariant> Columns, ImmutableArray<MatrixCell> Cells, long Milliseconds)
{
    public MatrixCell Cell(int row, int column) => Cells[row * Columns.Length + column];
}

/// <summary>
/// `checker matrix` without the I/O: the rows a machine's variants give, and every cell explored
/// with <see cref="Explorer.Check"/> and shrunk with <see cref="Counterexample.Shrink"/>, one
/// invariant per cell so that every column is explored on its own. Cells run in parallel; each
/// depends only on the machine, its row, its invariant and the seed, so the result does not
/// depend on the number of cores.
/// </summary>
public static class VariantMatrix
{
    /// <summary>The generation every cell uses: check's default.</summary>
    public static readonly GenConfig Generation = GenConfig.Default;

    /// <summary>
    /// The rows: by default one key at a time, each value of each key that matters to M, the
    /// other keys as the scenario sets them; with ALLVARIANTS every combination of every value
    /// of every key.
    /// </summary>
    public static ImmutableArray<MatrixRow> Rows(Machine m, bool allVariants)
    {
        if (!allVariants)
            return [.. RelevantVariants.Keys(m).SelectMany(key =>
                Variants.Keys.First(k => k.Key == key).Values.Select(value =>
                    new MatrixRow($"{key}={value}", With(m.Variants, key, value))))];
        IEnumerable<(string Label, Variants Variants)> rows = [("", m.Variants)];
        foreach (var (key, values) in Variants.Keys)
            rows = rows.SelectMany(r => values.Select(value =>
                (r.Label.Length == 0 ? $"{key}={value}" : $"{r.Label},{key}={value}", With(r.Variants, key, value))));
        return [.. rows.Select(r => new MatrixRow(r.Label, r.Variants))];
    }

    public static MatrixResult Run(Machine m, MatrixOptions options, Action<int>? cellDone = null)
    {
        var clock = Stopwatch.StartNew();
        var rows = Rows(m, options.AllVariants);
        var columns = options.Invariants;
        // Rows with the same variants (each key's baseline value) share their cells' work.
        var distinct = rows.Select(r => r.Variants).Distinct().ToList();
        var work = distinct.SelectMany(v => columns.Select(inv => (Variants: v, Invariant: inv))).ToList();
        var results = new (CheckOutcome Outcome, Counterexample? Shrunk, int Tried, long Ms)[work.Count];
        int done = 0;
        Parallel.ForEach(Enumerable.Range(0, work.Count), i =>
        {
            results[i] = RunCell(m with { Variants = work[i].Variants }, work[i].Invariant, options);
            cellDone?.Invoke(Interlocked.Increment(ref done));
        });
        var cells = rows.SelectMany(row => columns.Select((inv, c) =>
        {
            var r = results[distinct.IndexOf(row.Variants) * columns.Length + c];
            return new MatrixCell(row, inv, r.Outcome, r.Shrunk, r.Tried, r.Ms);
        }));
        return new MatrixResult(m, RelevantVariants.Keys(m), rows, columns, [.. cells], clock.ElapsedMilliseconds);
    }

    /// <summary>How many explorations <see cref="Run"/> will make (rows with equal variants share them).</summary>
    public static int CellCount(Machine m, MatrixOptions options) =>
        Rows(m, options.AllVariants).Select(r => r.Variants).Distinct().Count() * options.Invariants.Length;

    private static (CheckOutcome, Counterexample?, int, long) RunCell(Machine m, Invariant invariant, MatrixOptions options)
    {
        var clock = Stopwatch.StartNew();
        var outcome = Explorer.Check(m, CellOptions(invariant, options));
        if (outcome.Found is not { } found)
            return (outcome, null, 0, clock.ElapsedMilliseconds);
        var (shrunk, stats) = found.Shrink(invariant);
        return (outcome, shrunk, stats.Tried, clock.ElapsedMilliseconds);
    }

    /// <summary>What one cell asks of <see cref="Explorer.Check"/>.</summary>
    public static CheckOptions CellOptions(Invariant invariant, MatrixOptions options) =>
        new([invariant], options.Seed, options.MaxTests, null, options.Generation) { Cancel = options.Cancel };

    private static Variants With(Variants v, string key, string value) =>
        Variants.TryWith(v, key, value).Result ?? throw new InvalidOperationException($"{key}={value} is not a variant");
}
