using System.Collections.Immutable;
using Checker.Cli.Commands;
using Checker.Properties.Matrix;
using Checker.Properties.Verdicts;

namespace Checker.Cli.Rendering;

/// <summary>
/// The JUnit reports of check, explore and matrix (written by <see cref="JunitXml"/>): one test
/// case per property (per cell for a matrix), a `failure` with the counterexample when it is
/// broken, `skipped` with the reason when its verdict is incomplete or vacuous (the run did not
/// finish it, or it had nothing to check), nothing when it passed.
/// </summary>
public static class Junit
{
    public static string Report(string scenario, CheckResult result) =>
        Document($"checker check {scenario}", scenario, result.Verdicts, p => result.Reports.FirstOrDefault(r => r.Property == p),
            Math.Max(result.Outcome.Milliseconds, result.Reports.Select(r => r.Stats.Milliseconds).DefaultIfEmpty(0).Max()) / 1000.0);

    /// <summary>The report of VERDICTS: REPORT gives a broken property's counterexample; SECONDS is the run's wall-clock time.</summary>
    public static string Document(string suiteName, string scenario, ImmutableArray<PropertyVerdict> verdicts,
        Func<string, CounterexampleReport?> report, double seconds) =>
        JunitXml.Write(new JunitSuite(suiteName, [.. verdicts.Select(v => Case(scenario, v.Property, v.Verdict, report(v.Property)))], seconds));

    /// <summary>One suite per variant row, one case per invariant, each timed alone.</summary>
    public static string Matrix(string scenario, MatrixOptions options, MatrixResult result, Func<MatrixCell, CounterexampleReport> report) =>
        JunitXml.Write([.. result.Rows.Select((row, r) =>
        {
            var cells = Enumerable.Range(0, result.Columns.Length).Select(c => result.Cell(r, c)).ToList();
            var cases = cells.Select(cell =>
                Case($"{scenario} {row.Label}", cell.Invariant.Name, cell.Verdict(options, result.Machine), cell.Shrunk is null ? null : report(cell))
                    with { Seconds = cell.Milliseconds / 1000.0 });
            return new JunitSuite($"checker matrix {scenario} {row.Label}", [.. cases], cells.Sum(c => c.Milliseconds) / 1000.0);
        })]);

    private static JunitCase Case(string className, string name, Verdict verdict, CounterexampleReport? counterexample) =>
        verdict.Kind switch
        {
            VerdictKind.Counterexample when counterexample is not null =>
                new(className, name, JunitOutcome.Failure, counterexample.Shrunk.Violation.Message, counterexample.Text()),
            VerdictKind.Counterexample => new(className, name, JunitOutcome.Failure, verdict.Reason),
            VerdictKind.Incomplete or VerdictKind.Vacuous => new(className, name, JunitOutcome.Skipped, $"{verdict.Word}: {verdict.Reason}"),
            _ => new(className, name, JunitOutcome.Passed),
        };
}
