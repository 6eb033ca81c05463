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
        var seed = new Option<ulong>("--seed") { Description = "Seed of every cell's orderings (default 1); the same seed gives the same output", DefaultValueFactory = _ => CheckCommand.DefaultSeed };
        var maxTests = new Option<int>("--max-tests") { Description = $"Orderings per cell (default {MatrixOptions.DefaultMaxTests}); ordering 0 is the scenario's own script", DefaultValueFactory = _ => MatrixOptions.DefaultMaxTests };
        var json = new Option<string?>("--json") { Description = "Write the matrix as JSON, each failing cell with its full counterexample, to FILE, or to stdout with '-'" };
        var all = new Option<bool>("--all-variants") { Description = "Rows are every combination of every variant value, instead of one key at a time over the keys that matter" };
        var command = new Command("matrix",
            "Run `check` once per invariant and per variant row, in parallel, and print a table: rows are variants "
            + "(by default each value of each key that matters to the scenario, one key at a time, the others as the "
            + "scenario sets them), columns are invariants, each cell 'pass' or the shrunk counterexample's size in events "
            + "with a footnote giving its cause. IOMMU devices are never unbound or hot-removed in the orderings (docs/matrix.md).\n"
            + Cli.ExitCodesHelp)
        {
            scenario, property, seed, maxTests, json, all,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(scenario)!;
            var (machine, text) = CommonOptions.LoadScenarioWithText(path, null);
            var invariants = CommonOptions.SelectInvariants(parse.GetValue(property));
            int max = parse.GetValue(maxTests);
            if (max is < 1 or > 100_000_000)
                throw new UsageException($"--max-tests {max}: must be between 1 and 100000000");
            using var interrupt = Interrupt.Listen();
            var options = new MatrixOptions(invariants, parse.GetValue(seed), max, parse.GetValue(all)) { Cancel = interrupt.Token };
            var result = VariantMatrix.Run(machine, options, Progress(machine, options, stderr));
            var report = new MatrixReport(path, ScenarioDocuments.Of(path, text), options, result);
            if (parse.GetValue(json) is { } jsonPath)
                JsonOut.ToFileOrStdout(jsonPath, DocumentJson.Write(report.ToDocument().RelativeTo(jsonPath)), stdout);
            if (parse.GetValue(json) != "-")
                stdout.Write(report.Text());
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
