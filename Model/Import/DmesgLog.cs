using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Checker.Model.Import;

/// <summary>An `Adding to iommu group N` (or `Removing from`) line of a dmesg: when, by which prefix, which device.</summary>
public sealed record GroupLine(long Micros, string Prefix, string Device, int Group, bool Adding, int Line)
{
    /// <summary>The line without its time, as the model's log prints it.</summary>
    public string Text => $"{Prefix} {Device}: {(Adding ? "Adding to" : "Removing from")} iommu group {Group}";
}

/// <summary>A driver seen printing about a device (`mlx5_core 000a:11:00.0: ...`), first time only.</summary>
public sealed record DriverSighting(string Driver, string Device, long Micros, int Line);

/// <summary>What a dmesg says about IOMMU groups and drivers; every other well-formed line is noise.</summary>
public sealed record DmesgLog(ImmutableArray<GroupLine> GroupLines, ImmutableArray<DriverSighting> Drivers)
{
    private static readonly Regex Stamped = new("^(?:<\\d+>)?\\[\\s*(\\d+)\\.(\\d{1,6})\\] ?(.*)$");
    private static readonly Regex Group = new("^(\\S+) (\\S+): (Adding to|Removing from) iommu group (\\d+)$");
    private static readonly Regex DeviceLine = new("^(\\S+) (\\S+): ");
    private static readonly ImmutableHashSet<string> BusNames = ["pci", "platform", "amba", "pci_bus", "acpi"];

    /// <summary>Parses dmesg text (`dmesg`, or `dmesg -r` with `&lt;N&gt;` levels). A line without a timestamp is an error.</summary>
    public static DmesgLog Parse(string file, string text)
    {
        var groups = ImmutableArray.CreateBuilder<GroupLine>();
        var drivers = ImmutableArray.CreateBuilder<DriverSighting>();
        var seen = new HashSet<(string, string)>();
        foreach (var (line, s) in DumpLines.Of(text))
        {
            if (s.Trim().Length == 0)
                continue;
            var m = Stamped.Match(s);
            if (!m.Success)
                throw new ImportException(file, line, $"not a dmesg line '[SSSSS.UUUUUU] text': '{(s.Length <= 80 ? s : s[..77] + "...")}'");
            long micros;
            try
            {
                micros = checked(long.Parse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture) * 1_000_000
                    + long.Parse(m.Groups[2].Value.PadRight(6, '0'), NumberStyles.None, CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is OverflowException or FormatException)
            {
                // \d also matches non-ASCII digits, and a damaged line can carry any number of them.
                throw new ImportException(file, line, $"timestamp [{m.Groups[1].Value}.{m.Groups[2].Value}] is not a time dmesg prints");
            }
            var body = m.Groups[3].Value;
            if (Group.Match(body) is { Success: true } g)
            {
                if (!int.TryParse(g.Groups[4].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                    throw new ImportException(file, line, $"group id {g.Groups[4].Value} is out of range");
                groups.Add(new GroupLine(micros, g.Groups[1].Value, g.Groups[2].Value, id, g.Groups[3].Value == "Adding to", line));
            }
            if (DeviceLine.Match(body) is { Success: true } d && !BusNames.Contains(d.Groups[1].Value)
                && Bdf.TryParse(d.Groups[2].Value) is not null && seen.Add((d.Groups[1].Value, d.Groups[2].Value)))
                drivers.Add(new DriverSighting(d.Groups[1].Value, d.Groups[2].Value, micros, line));
        }
        return new DmesgLog(groups.ToImmutable(), drivers.ToImmutable());
    }

    /// <summary>The groups the Adding/Removing lines leave: id to members in the order they joined.</summary>
    public ImmutableSortedDictionary<int, ImmutableArray<string>> FinalGroups()
    {
        var groups = new SortedDictionary<int, List<string>>();
        foreach (var g in GroupLines)
        {
            if (g.Adding)
            {
                foreach (var members in groups.Values)
                    members.Remove(g.Device);
                (groups.TryGetValue(g.Group, out var list) ? list : groups[g.Group] = []).Add(g.Device);
            }
            else if (groups.TryGetValue(g.Group, out var list))
                list.Remove(g.Device);
        }
        return groups.Where(kv => kv.Value.Count > 0).ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray());
    }
}
