using System.Collections.Immutable;
using System.Globalization;

namespace Checker.Model.Import;

/// <summary>
/// The pci.ids database (the file lspci itself names devices from), read from its text: vendors,
/// their devices, and the device classes. lspci without -nn prints only names
/// (`Intel Corporation Sunrise Point-H PCI Express Root Port #5 (rev f1)`); this maps such a
/// description back to the IDs the kernel's quirk tables match on. The caller reads the file
/// (the system's /usr/share/misc/pci.ids or /usr/share/hwdata/pci.ids); without one the IDs stay
/// unknown and the quirks that needed them are listed as undecided.
/// </summary>
public sealed class PciIdsDatabase
{
    private readonly ImmutableArray<(string Name, int Id, ImmutableDictionary<string, int> Devices)> _vendors;
    private readonly ImmutableDictionary<string, int> _classes;

    private PciIdsDatabase(ImmutableArray<(string, int, ImmutableDictionary<string, int>)> vendors, ImmutableDictionary<string, int> classes)
    {
        _vendors = vendors;
        _classes = classes;
    }

    /// <summary>The vendors the database has.</summary>
    public int VendorCount => _vendors.Length;

    /// <summary>Reads pci.ids text: `vvvv  Vendor`, `\tdddd  Device`, `\t\tssss ssss  Subsystem`, `C cc  Class`, `\tss  Subclass`.</summary>
    public static PciIdsDatabase Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vendors = ImmutableArray.CreateBuilder<(string, int, ImmutableDictionary<string, int>)>();
        var classes = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.OrdinalIgnoreCase);
        string? vendorName = null;
        int vendorId = 0;
        ImmutableDictionary<string, int>.Builder? devices = null;
        int? baseClass = null;
        void FlushVendor()
        {
            if (vendorName is not null && devices is not null)
                vendors.Add((vendorName, vendorId, devices.ToImmutable()));
            vendorName = null;
            devices = null;
        }
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
                continue;
            if (line.StartsWith("C ", StringComparison.Ordinal))
            {
                FlushVendor();
                baseClass = Hex(line.AsSpan(2, 2));
                continue;
            }
            if (line.StartsWith("\t\t", StringComparison.Ordinal))
                continue;
            if (line[0] == '\t')
            {
                var (id, name) = Entry(line[1..]);
                if (id is null)
                    continue;
                if (baseClass is int bc && vendorName is null)
                    classes.TryAdd(name, bc << 16 | id.Value << 8);
                else
                    devices?.TryAdd(name, id.Value);
                continue;
            }
            var (vid, vname) = Entry(line);
            if (vid is null)
                continue;
            FlushVendor();
            baseClass = null;
            (vendorName, vendorId, devices) = (vname, vid.Value, ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal));
        }
        FlushVendor();
        // Longest vendor names first, so `Intel Corporation` never shadows a longer name that starts with it.
        return new PciIdsDatabase([.. vendors.OrderByDescending(v => v.Item1.Length)], classes.ToImmutable());
    }

    /// <summary>
    /// The vendor and device IDs of an lspci description without -nn: a vendor name the text
    /// starts with, then one of its device names (lspci may print a `[bracketed]` short name
    /// after it, and ` (rev rr)` / ` (prog-if ...)`). Null when no vendor and device match.
    /// </summary>
    public (int Vendor, int Device)? Lookup(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var text = StripSuffixes(description.Trim());
        foreach (var (name, id, devices) in _vendors)
        {
            if (!text.StartsWith(name + " ", StringComparison.Ordinal))
                continue;
            var device = text[(name.Length + 1)..].Trim();
            if (devices.TryGetValue(device, out var dev))
                return (id, dev);
        }
        return null;
    }

    /// <summary>The subclass of a class name lspci prints (`PCI bridge` is 0x0604), as `dev->class` with prog-if 0.</summary>
    public int? ClassOf(string className) => _classes.TryGetValue(className.Trim(), out var c) ? c : null;

    private static string StripSuffixes(string s)
    {
        foreach (var marker in new[] { " (prog-if ", " (rev " })
            if (s.IndexOf(marker, StringComparison.Ordinal) is var i and >= 0)
                s = s[..i];
        return s.TrimEnd();
    }

    private static (int? Id, string Name) Entry(string s)
    {
        int space = s.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
            return (null, "");
        int? id = Hex(s.AsSpan(0, space));
        return (id, s[space..].Trim());
    }

    private static int? Hex(ReadOnlySpan<char> s) =>
        int.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v) ? v : null;
}
