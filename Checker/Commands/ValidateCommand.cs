using System.Collections.Immutable;
using System.CommandLine;
using Checker.Model.Import;
using Checker.Model.State;
using Checker.Cli.Rendering;
using Checker.Properties.Exploration;
using Spectre.Console;

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
        var groups = new Option<string?>("--iommu-groups") { Description = "The real groups: /sys/kernel/iommu_groups as `find` or `ls -l` output, or an `IOMMU Group N` listing; compared with ids unless --partition-only" };
        var partitionOnly = new Option<bool>("--partition-only") { Description = "Compare only which devices share a group, not the group ids" };
        var command = new Command("validate",
            "Run the scenario's script and compare the model's IOMMU groups with a real machine's. "
            + "Prints the group lines aligned as a diff, the groups side by side and a verdict: exit 0 when they agree, 1 when they differ.\n"
            + "Example: checker validate scenarios/hisilicon-d05-builtin.yaml --dmesg dmesg.txt\n" + Cli.ExitCodesHelp)
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

    /// <summary>
    /// Prints the model's and the real group lines aligned as a diff (a line only one side has
    /// stands alone, so one missing line does not mark every later one); true when they are the same.
    /// </summary>
    private static bool LineDiff(TextWriter o, List<string> model, List<string> real)
    {
        var rows = Rendering.LineDiff.Align(model, real);
        var table = Tables.Create("", "model", "real");
        foreach (var row in rows)
        {
            var (mark, tone) = row.Kind switch
            {
                DiffKind.Same => (" ", Tone.Plain),
                DiffKind.Changed => ("!", Tone.Bad),
                DiffKind.LeftOnly => ("-", Tone.Bad),
                _ => ("+", Tone.Bad),
            };
            table.AddRow(Tables.Cell(mark, tone), Tables.Cell(row.Left ?? "", tone), Tables.Cell(row.Right ?? "", tone));
        }
        o.Write(Tables.Render(table, Tables.Colour(o)));
        o.WriteLine();
        int differ = rows.Count(r => r.Kind != DiffKind.Same);
        if (differ > 0)
            o.WriteLine($"{differ} of {rows.Count} lines differ (! changed, - only in the model, + only on the real machine)\n");
        return differ == 0;
    }

    private static void GroupTable(TextWriter o, GroupComparison c)
    {
        var table = Tables.Create("", "device", "model", "real", "");
        table.Columns[2].RightAligned();
        table.Columns[3].RightAligned();
        foreach (var d in c.Devices)
        {
            var tone = d.Differs ? Tone.Bad : Tone.Plain;
            table.AddRow(Tables.Cell(d.Differs ? "!" : " ", tone), Tables.Cell(d.Device, tone), Tables.Cell(Id(d.Model), tone),
                Tables.Cell(Id(d.Real), tone), Tables.Cell(d.Differs ? d.Why : "", tone));
        }
        o.Write(Tables.Render(table, Tables.Colour(o)));
    }

    private static string Id(int? id) => id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
