using System.CommandLine;
using Checker.Cli.Rendering;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exploration;

namespace Checker.Cli.Commands;

/// <summary>`checker graph SCENARIO`: draw the machine, its IOMMU groups and the canonical partition as DOT or SVG.</summary>
public static class GraphCommand
{
    public static Command Create(TextWriter stdout)
    {
        var scenario = new Argument<string?>("scenario") { Description = "Scenario file (YAML); optional with --counterexample, which names its own (they must agree)", Arity = ArgumentArity.ZeroOrOne };
        var variant = CommonOptions.Variant();
        var atStep = CommonOptions.OptionalWholeNumber("--at-step", "Draw the state after the first N events of the script (boot expanded); default: the end", 0, int.MaxValue);
        var counterexample = new Option<string?>("--counterexample") { Description = "A `check --json` file: draw its pruned machine after its events" };
        var format = new Option<string>("--format") { Description = "dot or svg (needs Graphviz's dot)", DefaultValueFactory = _ => "dot" };
        var output = new Option<string>("--output", "-o") { Description = "File to write (atomically)", Required = true };
        var command = new Command("graph",
            "Draw the PCI tree and platform devices, a box per IOMMU group, ACS on bridges, and the canonical partition "
            + "where it disagrees with the groups.\n"
            + "Example: checker graph scenarios/hisilicon-d05-builtin.yaml -o d05.dot\n" + Cli.ExitCodesHelp)
        {
            scenario, variant, atStep, counterexample, format, output,
        };
        command.SetAction(parse =>
        {
            var fmt = parse.GetValue(format);
            if (fmt is not ("dot" or "svg"))
                throw new UsageException($"--format {fmt}: expected dot or svg");
            var outPath = parse.GetValue(output)!;
            var outputs = new Output.OutputPlan();
            var file = outputs.File("--output", outPath);
            var world = State(parse.GetValue(scenario), parse.GetValue(variant), parse.GetValue(atStep), parse.GetValue(counterexample));
            var dot = MachineGraph.Render(world);
            outputs.Set(file, fmt == "svg" ? Graphviz.Svg(dot) : dot);
            outputs.Commit(stdout);
            stdout.WriteLine($"checker: wrote {outPath} ({world.Machine.Devices.Length} devices, {world.Groups.Count} groups)");
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static World State(string? scenario, string[]? variants, int? atStep, string? counterexample)
    {
        if (counterexample is not null)
        {
            if (atStep is not null)
                throw new UsageException("graph: --counterexample gives its own events; give no --at-step with it");
            var saved = SavedCounterexample.Load(counterexample);
            var (full, source, _) = saved.Scenario(embedded: false);
            if (scenario is not null && Path.GetFullPath(scenario) != source.Path)
                throw new UsageException($"graph: {counterexample} was found on {source.Path}, not {scenario}");
            var machine = saved.Pruned(full);
            var w = Kernel.Boot(machine);
            foreach (var e in saved.ParseEvents(machine))
                w = Kernel.Step(w, e);
            return w;
        }
        if (scenario is null)
            throw new UsageException("graph: give a SCENARIO or --counterexample FILE");
        var m = CommonOptions.LoadScenario(scenario, variants);
        if (atStep is null)
            return Runner.RunScript(m, []).Final;
        if (atStep < 0)
            throw new UsageException($"--at-step {atStep}: expected a number of events >= 0");
        return Runner.Run(m, Runner.ScriptEvents(m).Take(atStep.Value), [], stopAtFirst: false).Final;
    }
}
