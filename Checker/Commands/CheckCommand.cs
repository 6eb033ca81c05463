using System.CommandLine;
using System.Globalization;
using Checker.Cli.Documents;
using Checker.Cli.Rendering;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Spectre.Console;

namespace Checker.Cli.Commands;

/// <summary>`checker check SCENARIO`: explore orderings, stop at the first broken invariant, shrink it, print it with its seed.</summary>
public static class CheckCommand
{
    public const ulong DefaultSeed = 1;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var scenario = CommonOptions.Scenario();
        var property = CommonOptions.Property();
        var variant = CommonOptions.Variant();
        var kernel = CommonOptions.Kernel();
        var seed = CommonOptions.Seed("Seed of the orderings; the same seed gives the same output", DefaultSeed);
        var maxTests = CommonOptions.WholeNumber("--max-tests", "Orderings to try; ordering 0 is the scenario's own script", 1, 100_000_000, CheckOptions.DefaultMaxTests);
        var budget = CommonOptions.TimeBudget("Stop after this many seconds even if fewer orderings were tried (the count then depends on speed)");
        var json = new Option<string?>("--json") { Description = "Write the result as JSON to FILE, or to stdout with '-'" };
        var junit = new Option<string?>("--junit") { Description = "Write a JUnit XML report (one test case per property) to FILE" };
        var all = new Option<bool>("--all") { Description = "Go on after the first broken property and report every property (each its own counterexample)" };
        var faults = new Option<bool>("--faults") { Description = "Also generate fault injections (fail-next-probe with -EPROBE_DEFER/-ENODEV/-ENOMEM, fail-next-attach, fail-domain-alloc)" };
        var noScript = new Option<bool>("--no-script") { Description = "Draw every ordering at random, the first too: the scenario's script is not tried as ordering 0" };
        var weight = new Option<string[]>("--weight")
        {
            Description = "Override a generation weight KIND=N (0..1000), repeatable; kinds: " + string.Join(", ", Enum.GetValues<EventKind>().Select(GenConfig.Kebab)),
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("check",
            "Explore event orderings of the scenario's machine (device adds, driver registration in any order, "
            + "modules, deferred work, hotplug, SR-IOV, and with --faults fault injections), checking the invariants after every step. "
            + "On a violation, shrink it to a 1-minimal event sequence and machine and print it as a boot log with the "
            + "command that replays it.\n"
            + "Example: checker check scenarios/hisilicon-d05-builtin.yaml --property NonAcsSiblingsShareGroup --seed 1\n" + Cli.ExitCodesHelp)
        {
            scenario, kernel, property, variant, seed, maxTests, budget, json, junit, all, faults, weight, noScript,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(scenario)!;
            // Every output path and flag is checked before the scenario is read or anything runs.
            var outputs = new Output.OutputPlan();
            var jsonOut = outputs.File("--json", parse.GetValue(json), allowStdout: true);
            var junitOut = outputs.File("--junit", parse.GetValue(junit));
            var invariants = CommonOptions.SelectInvariants(parse.GetValue(property));
            int max = parse.GetValue(maxTests);
            double? seconds = parse.GetValue(budget);
            var gen = Weights(parse.GetValue(faults) ? GenConfig.Default.WithFaults() : GenConfig.Default, parse.GetValue(weight) ?? []);
            var (machine, text) = CommonOptions.LoadScenarioWithText(path, parse.GetValue(variant), parse.GetValue(kernel));
            var options = new CheckOptions(invariants, parse.GetValue(seed), max, seconds, gen, parse.GetValue(noScript)) { All = parse.GetValue(all), Cancel = Interrupt.Current };
            var outcome = RunWithProgress(machine, options, stderr);
            var result = CheckResult.From(path, ScenarioDocuments.Of(path, text), machine, options, outcome, ReplayCommand(path, machine.Variants, parse));
            if (result.Reports.IsEmpty && Properties.Verdicts.Vacuity.Warning(machine, invariants) is { } warning)
                stderr.WriteLine(warning);
            var jsonPath = parse.GetValue(json);
            var document = jsonPath is null ? null : DocumentJson.Write(result.ToDocument().RelativeTo(jsonPath));
            outputs.Set(jsonOut, document!);
            outputs.Set(junitOut, Junit.Report(path, result));
            outputs.Stdout(jsonPath == "-" ? document! : result.Text());
            outputs.Commit(stdout);
            return result.ExitCode;
        });
        return command;
    }

    private static CheckOutcome RunWithProgress(Machine machine, CheckOptions options, TextWriter stderr)
    {
        if (Console.IsErrorRedirected || !ReferenceEquals(stderr, Console.Error))
            return Explorer.Check(machine, options);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        CheckOutcome? outcome = null;
        console.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("orderings", maxValue: options.MaxTests);
            outcome = Explorer.Check(machine, options, p => task.Value = p.Tests);
            task.Value = options.MaxTests;
        });
        return outcome!;
    }

    private static GenConfig Weights(GenConfig config, IEnumerable<string> pairs)
    {
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0 || !int.TryParse(pair[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                throw new UsageException($"--weight {pair}: expected KIND=N");
            try
            {
                config = config.WithWeight(pair[..eq], n);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--weight {pair}: {e.Message}");
            }
        }
        return config;
    }

    /// <summary>The exact command that replays this run.</summary>
    private static string ReplayCommand(string path, Variants variants, System.CommandLine.ParseResult parse)
    {
        var parts = new List<string> { "checker", "check", path };
        foreach (var p in parse.GetValue<string[]>("--property") ?? [])
            parts.AddRange(["--property", p]);
        foreach (var v in variants.NonDefaultPairs())
            parts.AddRange(["--variant", v]);
        if (parse.GetValue<bool>("--all"))
            parts.Add("--all");
        if (parse.GetValue<bool>("--faults"))
            parts.Add("--faults");
        if (parse.GetValue<bool>("--no-script"))
            parts.Add("--no-script");
        foreach (var w in parse.GetValue<string[]>("--weight") ?? [])
            parts.AddRange(["--weight", w]);
        parts.AddRange(["--seed", parse.GetValue<ulong>("--seed").ToString(CultureInfo.InvariantCulture)]);
        int max = parse.GetValue<int>("--max-tests");
        if (max != CheckOptions.DefaultMaxTests)
            parts.AddRange(["--max-tests", max.ToString(CultureInfo.InvariantCulture)]);
        return string.Join(" ", parts);
    }
}
