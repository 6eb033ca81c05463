using System.CommandLine;
using System.Globalization;
using Checker.Cli.Documents;
using Checker.Cli.Rendering;
using Checker.Properties.Matrix;

namespace Checker.Cli.Commands;

/// <summary>`checker matrix SCENARIO`: check every invariant under every variant that matters, as a table.</summary>
public static class MatrixCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var scenario = CommonOptions.Scenario();
        var property = CommonOptions.Property();
        var seed = CommonOptions.Seed("Seed of every cell's orderings; the same seed gives the same output", CheckCommand.DefaultSeed);
        var maxTests = CommonOptions.WholeNumber("--max-tests", "Orderings per cell; ordering 0 is the scenario's own script", 1, 100_000_000, MatrixOptions.DefaultMaxTests);
        var json = new Option<string?>("--json") { Description = "Write the matrix as JSON, each failing cell with its full counterexample, to FILE, or to stdout with '-'" };
        var summary = new Option<string?>("--summary") { Description = "Append a GitHub Actions job summary (markdown) to FILE, e.g. --summary \"$GITHUB_STEP_SUMMARY\"" };
        var junit = new Option<string?>("--junit") { Description = "Write a JUnit XML report (one suite per row, one test case per cell) to FILE" };
        var all = new Option<bool>("--all-variants") { Description = "Rows are every combination of every variant value, instead of one key at a time over the keys that matter" };
        var kernel = CommonOptions.Kernel();
        var faults = new Option<bool>("--faults") { Description = "Also generate fault injections in every cell, as check --faults does" };
        var command = new Command("matrix",
            "Run `check` once per invariant and per variant row, in parallel, and print a table: rows are variants "
            + "(by default each value of each key that matters to the scenario, one key at a time, the others as the "
            + "scenario sets them), columns are invariants, each cell 'pass' or the shrunk counterexample's size in events "
            + "with a footnote giving its cause and replay command. IOMMU devices are never unbound or hot-removed in the orderings (docs/matrix.md).\n"
            + "Example: checker matrix scenarios/hisilicon-d05-builtin.yaml --max-tests 200 --summary \"$GITHUB_STEP_SUMMARY\"\n"
            + Cli.ExitCodesHelp)
        {
            scenario, property, seed, maxTests, json, junit, summary, all, kernel, faults,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(scenario)!;
            var outputs = new Output.OutputPlan();
            var jsonOut = outputs.File("--json", parse.GetValue(json), allowStdout: true);
            var junitOut = outputs.File("--junit", parse.GetValue(junit));
            var summaryOut = outputs.AppendFile("--summary", parse.GetValue(summary));
            var invariants = CommonOptions.SelectInvariants(parse.GetValue(property));
            int max = parse.GetValue(maxTests);
            var (machine, text) = CommonOptions.LoadScenarioWithText(path, null, parse.GetValue(kernel));
            var options = new MatrixOptions(invariants, parse.GetValue(seed), max, parse.GetValue(all),
                parse.GetValue(faults) ? Properties.Generation.GenConfig.Default.WithFaults() : null) { Cancel = Interrupt.Current };
            var result = VariantMatrix.Run(machine, options, Progress(machine, options, stderr));
            var report = new MatrixReport(path, ScenarioDocuments.Of(path, text), options, result);
            if (Properties.Verdicts.Vacuity.Warning(machine, invariants) is { } warning)
                stderr.WriteLine(warning);
            var jsonPath = parse.GetValue(json);
            var document = jsonPath is null ? null : DocumentJson.Write(report.ToDocument().RelativeTo(jsonPath));
            outputs.Set(jsonOut, document!);
            outputs.Set(junitOut, report.Junit());
            outputs.Set(summaryOut, JobSummary.Matrix(report));
            outputs.Stdout(jsonPath == "-" ? document! : report.Text(Tables.Colour(stdout)));
            outputs.Commit(stdout);
            return report.ExitCode;
        });
        return command;
    }

    /// <summary>A `cells done/total` line on a terminal's stderr; nothing when stderr is redirected or not the console.</summary>
    private static Action<int>? Progress(Model.State.Machine machine, MatrixOptions options, TextWriter stderr)
    {
        if (Console.IsErrorRedirected || !ReferenceEquals(stderr, Console.Error))
            return null;
        int total = VariantMatrix.CellCount(machine, options);
        var gate = new object();
        return done =>
        {
            lock (gate)
                stderr.Write(string.Create(CultureInfo.InvariantCulture, $"\rchecker: matrix: {done}/{total} cells") + (done == total ? "\n" : ""));
        };
    }
}
