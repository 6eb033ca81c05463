using System.Collections.Immutable;
using System.CommandLine;
using Checker.Model.Import;
using Checker.Model.State;
using Checker.Properties.Exploration;

namespace Checker.Cli.Commands;

/// <summary>`checker validate SCENARIO`: run the script and compare the model's IOMMU groups with a real machine's.</summary>
public static class ValidateCommand
{
    public static Command Create(TextWriter stdout)
    {
        var scenario = CommonOptions.Scenario();
        var variant = CommonOptions.Variant();
        var kernel = CommonOptions.Kernel();
        var dmesg = new Option<string?>("--dmesg") { Description = "Real dmesg: its 'Adding to iommu group' lines are compared in order, prefixes and ids (times ignored)" };
        var groups = new Option<string?>("--iommu-groups") { Description = "`find /sys/kernel/iommu_groups/ -type l` output: the real groups, compared with ids" };
        var partitionOnly = new Option<bool>("--partition-only") { Description = "Compare only which devices share a group, not the group ids" };
        var command = new Command("validate",
            "Run the scenario's script and compare the model's IOMMU groups with a real machine's. "
            + "Prints a side-by-side diff and a verdict: exit 0 when they agree, 1 when they differ.\n" + Cli.ExitCodesHelp)
        {
            scenario, kernel, variant, dmesg, groups, partitionOnly,
        };
        command.SetAction(parse =>
        {
            var dmesgPath = parse.GetValue(dmesg);
            var groupsPath = parse.GetValue(groups);
            if ((dmesgPath is null) == (groupsPath is null))
                throw new UsageException("validate: give exactly one of --dmesg FILE or --iommu-groups FILE");
            var machine = CommonOptions.LoadScenario(parse.GetValue(scenario)!, parse.GetValue(variant), parse.GetValue(kernel));
            var real = dmesgPath is null ? null : DumpFiles.Parse(dmesgPath, DmesgLog.Parse);
            var realGroups = groupsPath is null ? real!.FinalGroups() : DumpFiles.Parse(groupsPath, IommuGroupsListing.Parse);
            if (real is not null && real.GroupLines.IsEmpty)
                throw new UsageException($"{dmesgPath}: no 'Adding to iommu group' line: nothing to compare");
            var final = Runner.RunScript(machine, []).Final;
            var modelGroups = final.Groups.ToImmutableSortedDictionary(g => g.Key, g => g.Value.Members.Select(d => machine.Devices[d].Name).ToImmutableArray());

            bool linesAgree = real is null || LineDiff(stdout, ModelGroupLines(final), real.GroupLines.Select(l => l.Text).ToList());
            var comparison = GroupComparison.Compare(modelGroups, realGroups, !parse.GetValue(partitionOnly));
            GroupTable(stdout, comparison);
            bool agree = linesAgree && comparison.Agree;
            stdout.WriteLine(agree
                ? $"checker: validate: the model agrees with the real machine ({realGroups.Count} groups, {comparison.Devices.Length} devices)"
                : $"checker: validate: the model DIFFERS from the real machine: {string.Join(", ", comparison.Devices.Where(d => d.Differs).Select(d => d.Device))}"
                    + (linesAgree ? "" : " (and the order of the group lines)"));
            return (int)(agree ? ExitCode.Ok : ExitCode.Counterexample);
        });
        return command;
    }

    private static readonly System.Text.RegularExpressions.Regex GroupLine = new(": (Adding to|Removing from) iommu group \\d+$");

    /// <summary>The model's group lines in the form dmesg prints them, without times.</summary>
    private static List<string> ModelGroupLines(World w) =>
        [.. w.Log.Where(l => l.Level == LogLevel.Info && GroupLine.IsMatch(l.Text)).Select(l => l.Text)];

    /// <summary>Prints the model's and the real group lines side by side; true when they are the same sequence.</summary>
    private static bool LineDiff(TextWriter o, List<string> model, List<string> real)
    {
        int width = Math.Max(5, model.Count == 0 ? 0 : model.Max(l => l.Length));
        o.WriteLine($"  {"model".PadRight(width)} | real");
        bool same = model.Count == real.Count;
        for (int i = 0; i < Math.Max(model.Count, real.Count); i++)
        {
            var m = i < model.Count ? model[i] : "";
            var r = i < real.Count ? real[i] : "";
            same &= m == r;
            o.WriteLine($"{(m == r ? ' ' : '!')} {m.PadRight(width)} | {r}");
        }
        return same;
    }

    private static void GroupTable(TextWriter o, GroupComparison c)
    {
        int width = Math.Max(6, c.Devices.IsEmpty ? 0 : c.Devices.Max(d => d.Device.Length));
        o.WriteLine($"  {"device".PadRight(width)}  model   real");
        foreach (var d in c.Devices)
            o.WriteLine($"{(d.Differs ? '!' : ' ')} {d.Device.PadRight(width)}  {Id(d.Model),5}  {Id(d.Real),5}{(d.Differs ? "   " + d.Why : "")}");
    }

    private static string Id(int? id) => id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
