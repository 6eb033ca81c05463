using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Checker.Model.Import;

/// <summary>The output of `find /sys/kernel/iommu_groups/ -type l`: group id to member device names.</summary>
public static class IommuGroupsListing
{
    private static readonly Regex Link = new("^(?:.*/)?iommu_groups/(\\d+)/devices/([^/\\s]+)$");
    private static readonly Regex Directory = new("^(?:.*/)?iommu_groups(?:/\\d+(?:/devices)?)?/?$");

    /// <summary>Parses the listing; directory lines (from `find` without `-type l`) are accepted and skipped.</summary>
    public static ImmutableSortedDictionary<int, ImmutableArray<string>> Parse(string file, string text)
    {
        var groups = new SortedDictionary<int, List<string>>();
        var seen = new Dictionary<string, int>();
        foreach (var (line, raw) in DumpLines.Of(text))
        {
            var s = raw.Trim();
            if (s.Length == 0 || Directory.IsMatch(s))
                continue;
            var m = Link.Match(s);
            if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw new ImportException(file, line, $"expected '/sys/kernel/iommu_groups/N/devices/DEVICE', got '{(s.Length <= 80 ? s : s[..77] + "...")}'");
            var dev = m.Groups[2].Value;
            if (seen.TryGetValue(dev, out var first))
                throw new ImportException(file, line, $"device {dev} is listed twice (first at line {first})");
            seen[dev] = line;
            (groups.TryGetValue(id, out var list) ? list : groups[id] = []).Add(dev);
        }
        return groups.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray());
    }
}
