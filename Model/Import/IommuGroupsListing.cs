using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Checker.Model.Import;

/// <summary>
/// The IOMMU groups of a real machine, group id to member device names, from any of the forms
/// people paste: `find /sys/kernel/iommu_groups/ -type l`, `ls -l /sys/kernel/iommu_groups/*/devices`,
/// the widely shared "IOMMU Group N: BDF description [vvvv:dddd]" script listing, and lspci's own
/// `IOMMU group: N` lines (lspci -v and more). An `lspci -t` tree in the same file is skipped; a
/// file with no group at all is an error.
/// </summary>
public static class IommuGroupsListing
{
    private static readonly Regex Link = new("^(?:.*/)?iommu_groups/(\\d+)/devices/([^/\\s]+)$");
    private static readonly Regex Directory = new("^(?:.*/)?iommu_groups(?:/\\d+(?:/devices)?)?/?$");
    private static readonly Regex LsHeading = new("^(?:.*/)?iommu_groups/(\\d+)/devices/?:$");
    private static readonly Regex LsLink = new("^l[-rwxsStT]{9}[.+@]?\\s+\\d+\\s+\\S+\\s+\\S+\\s+\\d+\\s+.*?\\s(\\S+) -> \\S+$");

    public static ImmutableSortedDictionary<int, ImmutableArray<string>> Parse(string file, string text)
    {
        var groups = new SortedDictionary<int, List<string>>();
        var seen = new Dictionary<string, int>();
        void Add(int line, int id, string dev)
        {
            if (seen.TryGetValue(dev, out var first))
                throw new ImportException(file, line, $"device {dev} is listed twice (first at line {first})");
            seen[dev] = line;
            (groups.TryGetValue(id, out var list) ? list : groups[id] = []).Add(dev);
        }
        var trees = new List<int>();
        foreach (var section in PastedText.Sections(text))
        {
            // An `lspci -t` tree pasted with the groups (as people paste both) holds no group: skipped.
            if (LspciTree.Starts(section.Lines[0].Text))
            {
                trees.Add(section.Lines[0].Line);
                continue;
            }
            if (LspciListing.Starts(section.Lines[0].Text))
            {
                foreach (var d in LspciListing.Parse(file, section).Values.OrderBy(d => d.Line))
                    if (d.IommuGroup is int id)
                        Add(d.Line, id, d.Address.ToString());
                continue;
            }
            int? heading = null;
            foreach (var (line, raw, _) in section.Lines)
            {
                var s = raw.Trim();
                if (s.StartsWith("total ", StringComparison.Ordinal) || Directory.IsMatch(s))
                    continue;
                if (LsHeading.Match(s) is { Success: true } h)
                {
                    heading = Id(file, line, h.Groups[1].Value);
                    continue;
                }
                if (LsLink.Match(s) is { Success: true } ls)
                {
                    Add(line, heading ?? throw new ImportException(file, line,
                        "an `ls -l` link line before any '/sys/kernel/iommu_groups/N/devices:' heading: which group it is in is unknown"), ls.Groups[1].Value);
                    continue;
                }
                var m = Link.Match(s);
                if (!m.Success)
                    throw new ImportException(file, line, $"expected an IOMMU groups listing in {section.What}: '/sys/kernel/iommu_groups/N/devices/DEVICE' (find), "
                        + $"'lrwxrwxrwx ... DEVICE -> ...' under a 'N/devices:' heading (ls -l), or 'IOMMU Group N: BB:DD.F ...'; saw '{PastedText.Clip(s)}'");
                Add(line, Id(file, line, m.Groups[1].Value), m.Groups[2].Value);
            }
        }
        if (groups.Count == 0)
            throw new ImportException(file, trees.Count > 0 ? trees[0] : 1, trees.Count > 0
                ? "no IOMMU group in the file, only an `lspci -t` tree (which has none): give the groups listing, `find /sys/kernel/iommu_groups/ -type l`, or `lspci -vv` with its `IOMMU group:` lines"
                : "no IOMMU group in the file: an lspci listing without `IOMMU group` lines (lspci prints them with -v as root, or use `find /sys/kernel/iommu_groups/ -type l`)");
        return groups.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray());
    }

    private static int Id(string file, int line, string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id
            : throw new ImportException(file, line, $"group id {digits} is out of range");
}
