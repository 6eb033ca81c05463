using System.Collections.Immutable;
using Checker.Cli.Commands;
using Checker.Properties.Invariants;
using Checker.Properties.Matrix;

namespace Checker.Cli.Rendering;

/// <summary>
/// The JUnit reports of check, explore and matrix (written by <see cref="JunitXml"/>): one test
/// case per property (per cell for a matrix), a `failure` with the counterexample when it is
/// broken, `skipped` with the reason when the run did not check it to the end.
/// </summary>
public static class Junit
{
    public static string Report(string scenario, ImmutableArray<Invariant> invariants, CheckResult result)
    {
        var broken = result.Report;
        var cases = invariants.Select(inv =>
            broken is not null && inv.Name == broken.Property ? Failed(scenario, inv.Name, broken)
            : broken is not null ? new JunitCase(scenario, inv.Name, JunitOutcome.Skipped, "exploration stopped at the first counterexample")
            : new JunitCase(scenario, inv.Name, JunitOutcome.Passed));
        long ms = broken?.Stats.Milliseconds ?? result.Outcome.Milliseconds;
        return JunitXml.Write(new JunitSuite($"checker check {scenario}", [.. cases], ms / 1000.0));
    }

    /// <summary>One suite per variant row, one case per invariant, each timed alone.</summary>
    public static string Matrix(string scenario, MatrixResult result, Func<MatrixCell, CounterexampleReport> report) =>
        JunitXml.Write([.. result.Rows.Select((row, r) =>
        {
            var cells = Enumerable.Range(0, result.Columns.Length).Select(c => result.Cell(r, c)).ToList();
            var cases = cells.Select(cell => cell.Passed
                ? new JunitCase($"{scenario} {row.Label}", cell.Invariant.Name, JunitOutcome.Passed, Seconds: cell.Milliseconds / 1000.0)
                : Failed($"{scenario} {row.Label}", cell.Invariant.Name, report(cell)) with { Seconds = cell.Milliseconds / 1000.0 });
            return new JunitSuite($"checker matrix {scenario} {row.Label}", [.. cases], cells.Sum(c => c.Milliseconds) / 1000.0);
        })]);

    public static JunitCase Failed(string className, string name, CounterexampleReport report) =>
        new(className, name, JunitOutcome.Failure, report.Shrunk.Violation.Message, report.Text());
}
