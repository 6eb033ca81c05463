using System.Text.Json;
using System.Text.RegularExpressions;

namespace Checker.Model.Tests.Import;

/// <summary>
/// The public validation set (docs/machines.md): real machines imported from their lspci text
/// alone, exactly as `checker import --lspci FILE -o m.yaml` and `checker boot m.yaml --json`
/// run them, and the model's partition of the functions the real machine grouped compared with
/// the real one. Each machine asserts its documented state (expected.txt: `agree`, or the groups
/// that differ), so a change in the model that moves any machine fails here until the table says so.
/// </summary>
public partial class MachineSetTests
{
    private static readonly string Root = Fixtures.Path("machines");

    public static IEnumerable<object[]> Machines() =>
        Directory.GetDirectories(Root).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).Select(n => new object[] { n! });

    [Fact]
    public void The_set_has_at_least_ten_machines_each_in_the_table()
    {
        var names = Machines().Select(m => (string)m[0]).ToList();
        Assert.True(names.Count >= 10, $"{names.Count} machines");
        var table = File.ReadAllText(System.IO.Path.Combine(ScenarioFiles.RepoRoot, "docs", "machines.md"));
        foreach (var name in names)
            Assert.Contains($"| `{name}` |", table);
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void The_model_boots_the_machine_into_its_documented_groups(string machine)
    {
        var dir = System.IO.Path.Combine(Root, machine);
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"checker-machine-{Guid.NewGuid():N}.yaml");
        try
        {
            var (exit, _, err) = Fixtures.Run("import", "--lspci", System.IO.Path.Combine(dir, "lspci.txt"), "-o", output);
            Assert.True(exit == 0, err);
            var (bootExit, json, bootErr) = Fixtures.Run("boot", output, "--json");
            Assert.True(bootExit is 0 or 1, bootErr);
            var model = ModelGroups(json);
            var groupsFile = File.Exists(System.IO.Path.Combine(dir, "groups.txt")) ? "groups.txt" : "lspci.txt";
            var real = RealGroups(File.ReadAllText(System.IO.Path.Combine(dir, groupsFile)));
            Assert.NotEmpty(real);
            var expected = File.ReadAllText(System.IO.Path.Combine(dir, "expected.txt")).ReplaceLineEndings("\n").Trim();
            var actual = Difference(model, real);
            Assert.True(expected == actual, $"expected:\n{expected}\nactual:\n{actual}");
            var row = File.ReadAllLines(System.IO.Path.Combine(ScenarioFiles.RepoRoot, "docs", "machines.md"))
                .Single(l => l.StartsWith($"| `{machine}` |", StringComparison.Ordinal));
            var functions = real.Sum(g => g.Count);
            Assert.Contains($"| {functions} | {real.Count} |", row);
            Assert.Equal(expected == "agree", row.Contains("| agree |", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>`agree`, or the groups each side has that the other does not, over the functions the real machine grouped.</summary>
    public static string Difference(IReadOnlyList<HashSet<string>> model, IReadOnlyList<HashSet<string>> real)
    {
        var grouped = real.SelectMany(g => g).ToHashSet();
        string Key(IEnumerable<string> g) => string.Join(" ", g.Order(StringComparer.Ordinal).Select(Short));
        var modelGroups = model.Select(g => g.Where(grouped.Contains).ToList()).Where(g => g.Count > 0).Select(Key).ToHashSet();
        var ungrouped = grouped.Where(f => !model.Any(g => g.Contains(f))).Order(StringComparer.Ordinal).Select(Short).ToList();
        var realGroups = real.Select(Key).ToHashSet();
        if (modelGroups.SetEquals(realGroups) && ungrouped.Count == 0)
            return "agree";
        var lines = modelGroups.Except(realGroups).Order(StringComparer.Ordinal).Select(g => "model: " + g)
            .Concat(realGroups.Except(modelGroups).Order(StringComparer.Ordinal).Select(g => "real: " + g));
        if (ungrouped.Count > 0)
            lines = lines.Append("not grouped by the model: " + string.Join(" ", ungrouped));
        return string.Join("\n", lines);
    }

    /// <summary>Domain 0000 is left out of the names, as the listings print them.</summary>
    private static string Short(string name) => name.StartsWith("0000:", StringComparison.Ordinal) ? name[5..] : name;

    public static List<HashSet<string>> ModelGroups(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => g.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Where(IsPci).ToHashSet())
            .Where(g => g.Count > 0)];
    }

    private static bool IsPci(string name) => PciName().IsMatch(name);

    /// <summary>
    /// The real groups of a published listing: `IOMMU Group N: ... BDF` headings with their
    /// indented device lines, one-line `IOMMU group N BDF ...`, or the kernel's
    /// `BDF: Adding to iommu group N` lines. PCI functions only.
    /// </summary>
    public static List<HashSet<string>> RealGroups(string text)
    {
        var groups = new SortedDictionary<int, HashSet<string>>();
        int? current = null;
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Replace('\u00a0', ' ');
            if (Adding().Match(line) is { Success: true } a)
            {
                Add(groups, int.Parse(a.Groups["id"].Value), a.Groups["bdf"].Value);
                continue;
            }
            var rest = line;
            bool heading = false;
            if (Heading().Match(line) is { Success: true } h)
            {
                current = int.Parse(h.Groups["id"].Value);
                rest = line[(h.Index + h.Length)..];
                heading = true;
            }
            if (current is int id && (heading || (line.Length > 0 && char.IsWhiteSpace(line[0])))
                && DeviceAtStart().Match(rest.TrimStart()) is { Success: true } d)
                Add(groups, id, d.Groups["bdf"].Value);
        }
        return [.. groups.Values];
    }

    private static void Add(SortedDictionary<int, HashSet<string>> groups, int id, string bdf)
    {
        var name = bdf.Length == 7 ? "0000:" + bdf : bdf;
        if (!groups.TryGetValue(id, out var g))
            groups[id] = g = [];
        g.Add(name);
    }

    [GeneratedRegex("^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$")]
    private static partial Regex PciName();

    [GeneratedRegex("(?<bdf>(?:[0-9a-f]{4,8}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]): Adding to iommu group (?<id>\\d+)")]
    private static partial Regex Adding();

    [GeneratedRegex("IOMMU [Gg]roup:? (?<id>\\d+):?")]
    private static partial Regex Heading();

    [GeneratedRegex("^(?<bdf>(?:[0-9a-f]{4,8}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) ")]
    private static partial Regex DeviceAtStart();
}
