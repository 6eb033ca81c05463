using System.CommandLine;
using Checker.Cli.Rendering;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;

namespace Checker.Cli.Commands;

/// <summary>`checker boot SCENARIO`: run the scenario's script, print the boot log, the groups and any broken invariant.</summary>
public static class BootCommand
{
    public static Command Create(TextWriter stdout)
    {
        var scenario = CommonOptions.Scenario();
        var variant = CommonOptions.Variant();
        var kernel = CommonOptions.Kernel();
        var json = new Option<bool>("--json") { Description = "Print a JSON object (bootLog, groups, violations) instead of text" };
        var verbose = new Option<bool>("--verbose") { Description = "Also print debug-level lines (probe deferral, bound, the boot's own steps)" };
        var command = new Command("boot",
            "Run the scenario's script and print the boot log in dmesg form, then the final IOMMU groups and each device's outcome "
            + "(driver, dma_ops, how often its probe was deferred). "
            + "Any invariant broken on the way is reported after the log and makes the exit code 1.\n"
            + "Example: checker boot scenarios/probe-deferral-basic.yaml --verbose\n" + Cli.ExitCodesHelp)
        {
            scenario, kernel, variant, json, verbose,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(scenario)!;
            var machine = CommonOptions.LoadScenario(path, parse.GetValue(variant), parse.GetValue(kernel));
            var run = Runner.RunScript(machine, Catalogue.All);
            bool isVerbose = parse.GetValue(verbose);
            stdout.Write(parse.GetValue(json) ? Json(path, run, isVerbose) : Text(run, isVerbose));
            return (int)(run.Violations.IsEmpty ? ExitCode.Ok : ExitCode.Counterexample);
        });
        return command;
    }

    private static string Text(RunResult run, bool verbose)
    {
        var lines = BootLogText.Lines(run.Final, verbose)
            .Concat(BootLogText.GroupTable(run.Final))
            .Concat(BootLogText.DeviceTable(run.Final))
            .Concat(run.Violations.Select(v => BootLogText.ViolationLine(run, v)));
        return string.Concat(lines.Select(l => l + "\n"));
    }

    private static string Json(string path, RunResult run, bool verbose) => JsonOut.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("scenario", path);
        w.WriteStartObject("variants");
        foreach (var (key, _) in Model.State.Variants.Keys)
            w.WriteString(key, run.Final.Variants.ValueOf(key));
        w.WriteEndObject();
        JsonOut.StringArray(w, "bootLog", BootLogText.Lines(run.Final, verbose));
        w.WriteStartArray("groups");
        foreach (var (id, members) in BootLogText.Groups(run.Final))
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            JsonOut.StringArray(w, "members", members);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("devices");
        foreach (var d in BootLogText.Devices(run.Final))
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            w.WriteString("status", d.Status);
            if (d.Driver is null)
                w.WriteNull("driver");
            else
                w.WriteString("driver", d.Driver);
            w.WriteString("dmaOps", d.Ops);
            w.WriteNumber("probeDeferrals", d.Deferrals);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("violations");
        foreach (var v in run.Violations)
        {
            w.WriteStartObject();
            w.WriteString("property", v.Violation.Property);
            w.WriteString("message", v.Violation.Message);
            JsonOut.StringArray(w, "devices", v.Violation.Devices);
            w.WriteStartArray("findings");
            foreach (var f in v.Violation.Findings)
            {
                w.WriteStartObject();
                w.WriteString("message", f.Message);
                JsonOut.StringArray(w, "devices", f.Devices);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("event", v.Step + 1);
            w.WriteString("eventText", Model.Events.EventText.Format(run.Final.Machine, run.Events[v.Step].Event));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
