using Checker.Model.State;
using Checker.Properties.Exploration;

namespace Checker.Cli.Rendering;

/// <summary>The human forms of a run: dmesg lines, the group table, violation lines.</summary>
public static class BootLogText
{
    /// <summary>The log in dmesg form; debug-level lines only when VERBOSE.</summary>
    public static IEnumerable<string> Lines(World w, bool verbose) =>
        w.Log.Where(l => verbose || l.Level != LogLevel.Debug).Select(l => l.Format());

    /// <summary>The final groups, by id, members in the order they joined.</summary>
    public static IEnumerable<(int Id, IReadOnlyList<string> Members)> Groups(World w) =>
        w.Groups.Values.Select(g => (g.Id, (IReadOnlyList<string>)g.Members.Select(d => w.Machine.Devices[d].Name).ToList()));

    public static IEnumerable<string> GroupTable(World w)
    {
        yield return "IOMMU groups:";
        if (w.Groups.IsEmpty)
            yield return "  (none)";
        foreach (var (id, members) in Groups(w))
            yield return $"  group {id,3}: {string.Join(" ", members)}";
    }

    public static string ViolationLine(RunResult run, FoundViolation v) =>
        $"checker: violation {v.Violation.Property} at event {v.Step + 1} ({Model.Events.EventText.Format(run.Final.Machine, run.Events[v.Step].Event)}): {v.Violation.Message}";
}
