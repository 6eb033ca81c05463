using System.Collections.Immutable;
using System.Globalization;
using Checker.Model.State;

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
        var named = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var alike = ImmutableDictionary.CreateBuilder<(int, int), ImmutableArray<int>>();
        var unnumbered = ImmutableDictionary.CreateBuilder<(int, string), ImmutableArray<int>>();
        int? baseClass = null;
        void FlushVendor()
        {
            if (vendorName is not null && devices is not null)
                vendors.Add((vendorName, vendorId, devices.ToImmutable()));
            foreach (var ids in named.Values.Where(ids => ids.Count > 1))
                foreach (int id in ids)
                    alike.TryAdd((vendorId, id), [.. ids]);
            // Only forms that some name carries an ordinal in: a name that equals another but for
            // punctuation is the loose index's, which answers an ambiguity with the vendor alone.
            foreach (var group in named.SelectMany(kv => kv.Value.Select(id => (Key: UnnumberedKey(kv.Key), Numbered: Ordinal.IsMatch(kv.Key), Id: id)))
                .GroupBy(x => x.Key).Where(g => g.Any(x => x.Numbered)))
                unnumbered.TryAdd((vendorId, group.Key), [.. group.Select(x => x.Id).Distinct().Order()]);
            named.Clear();
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
                else if (devices is not null)
                {
                    devices.TryAdd(name, id.Value);
                    if (!named.TryGetValue(name, out var ids))
                        named[name] = ids = [];
                    ids.Add(id.Value);
                }
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
        return new PciIdsDatabase([.. vendors.OrderByDescending(v => v.Item1.Length)], classes.ToImmutable())
        {
            Version = VersionOf(text),
            Alike = alike.ToImmutable(),
            UnnumberedIndex = unnumbered.ToImmutable(),
        };
    }

    /// <summary>Per vendor and a device name's Loose form without its trailing ` #N`: every device that has (or had) a name of that form, for the forms some name of which has the ordinal.</summary>
    private ImmutableDictionary<(int, string), ImmutableArray<int>> UnnumberedIndex { get; init; } = ImmutableDictionary<(int, string), ImmutableArray<int>>.Empty;

    private static readonly System.Text.RegularExpressions.Regex Ordinal = new(@"\s+#\d+$");

    /// <summary>A device name without the ordinal pci.ids numbers a chip's ports and controllers by (`Root Port #9`), in its Loose form.</summary>
    internal static string UnnumberedKey(string name) => Loose(Ordinal.Replace(name.Trim(), ""));

    /// <summary>
    /// The devices of the vendor a description without -nn names, where no device has the name
    /// itself (Find answers with the vendor alone) but some have it once the ordinal pci.ids ends
    /// it with (` #9`) is dropped from both: lspci's names come from pci.ids and, for an ID it
    /// lacks, udev's hwdb (id_lookup(), lib/names.c, pciutils v3.14), and published listings name
    /// 8086:51b0 `Alder Lake PCI Express Root Port` and 51bb `Alder Lake-P PCH PCIe Root Port`,
    /// which no pci.ids version in the history of github.com/pciutils/pciids has (there they are
    /// `... #9` and `... #4`). Every device whose name (current or earlier) has that form is a
    /// candidate, the answer sorted; null when none is. Where this database has none, the
    /// fallback is asked.
    /// </summary>
    public (int Vendor, ImmutableArray<int> Devices, string Source)? Unnumbered(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var text = StripSuffixes(description.Trim());
        foreach (var (name, id, _) in _vendors)
        {
            if (!text.StartsWith(name + " ", StringComparison.Ordinal))
                continue;
            if (UnnumberedIndex.TryGetValue((id, UnnumberedKey(text[(name.Length + 1)..])), out var ids))
                return (id, ids, Source);
        }
        return Fallback?.Unnumbered(description);
    }

    /// <summary>Per vendor and device: every device of the vendor that pci.ids gives the same name (the device itself included), where there are two or more.</summary>
    private ImmutableDictionary<(int, int), ImmutableArray<int>> Alike { get; init; } = ImmutableDictionary<(int, int), ImmutableArray<int>>.Empty;

    /// <summary>
    /// The devices of VENDOR that this database (or, where it has none, its fallback) names exactly
    /// as it names DEVICE, DEVICE included; empty when the name is the device's alone. A listing
    /// without -nn cannot tell such devices apart by their name (pci.ids names 1022:57a3 and 57a4
    /// both `Matisse PCIe GPP Bridge`).
    /// </summary>
    public ImmutableArray<int> NamedAlike(int vendor, int device) =>
        Alike.TryGetValue((vendor, device), out var ids) ? ids : Fallback?.NamedAlike(vendor, device) ?? [];

    /// <summary>
    /// The vendor and device IDs of an lspci description without -nn: a vendor name the text
    /// starts with, then one of its device names (lspci may print a `[bracketed]` short name
    /// after it, and ` (rev rr)` / ` (prog-if ...)`). The device is null when the vendor matches
    /// but none of its device names does (a device the database, or the bundled subset, lacks);
    /// the whole answer is null when no vendor matches. Where this database does not know the
    /// device, the fallback (if any) is asked.
    /// </summary>
    public (int Vendor, int? Device)? Lookup(string description) => Find(description) is { } f ? (f.Vendor, f.Device) : null;

    /// <summary>As Lookup, with the name of the database that gave the answer (Source).</summary>
    public (int Vendor, int? Device, string Source)? Find(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var own = FindHere(description);
        if (own is { Device: not null } || Fallback is null)
            return own;
        var other = Fallback.Find(description);
        return other is { Device: not null } ? other : own ?? other;
    }

    /// <summary>The names this database (or, where it has none, its fallback) gives VENDOR:DEVICE, current and earlier, sorted.</summary>
    public ImmutableArray<string> NamesOf(int vendor, int device)
    {
        var own = _vendors.Where(v => v.Id == vendor).SelectMany(v => v.Devices.Where(kv => kv.Value == device).Select(kv => kv.Key)).Order(StringComparer.Ordinal).ToImmutableArray();
        return own.IsEmpty && Fallback is not null ? Fallback.NamesOf(vendor, device) : own;
    }

    /// <summary>A database asked for the names this one does not have (the bundled subset after a system's pci.ids).</summary>
    public PciIdsDatabase? Fallback { get; private init; }

    /// <summary>This database, then <paramref name="fallback"/> for what it does not know.</summary>
    public PciIdsDatabase Then(PciIdsDatabase fallback) =>
        new(_vendors, _classes) { Version = Version, Source = Source, Fallback = fallback, Alike = Alike, UnnumberedIndex = UnnumberedIndex };

    private (int Vendor, int? Device, string Source)? FindHere(string description)
    {
        var text = StripSuffixes(description.Trim());
        // A device pci.ids (the machine's, when lspci ran) had no name for: lspci prints its ID,
        // `Device dddd` after a known vendor, `Device vvvv:dddd` when the vendor is unknown too
        // (pciutils, lib/names.c).
        if (NumericPair.Match(text) is { Success: true } pair)
            return (HexOf(pair.Groups[1].Value), HexOf(pair.Groups[2].Value), "lspci's numeric name");
        (int, int?, string)? vendorOnly = null;
        foreach (var (name, id, devices) in _vendors)
        {
            if (!text.StartsWith(name + " ", StringComparison.Ordinal))
                continue;
            var device = text[(name.Length + 1)..].Trim();
            if (devices.TryGetValue(device, out var dev))
                return (id, dev, Source);
            if (LooseIndex(name, devices).TryGetValue(Loose(device), out var loose) && loose >= 0)
                return (id, loose, Source);
            if (NumericDevice.Match(device) is { Success: true } numeric)
                return (id, HexOf(numeric.Groups[1].Value), "lspci's numeric name");
            vendorOnly ??= (id, null, Source);
        }
        return vendorOnly;
    }

    private static readonly System.Text.RegularExpressions.Regex NumericDevice = new(@"^Device ([0-9a-f]{4})$");
    private static readonly System.Text.RegularExpressions.Regex NumericPair = new(@"^(?:Device|Vendor) ([0-9a-f]{4})(?::| Device )([0-9a-f]{4})$");

    private static int HexOf(string s) => int.Parse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<string, int>> _loose = new(StringComparer.Ordinal);

    /// <summary>
    /// The devices of a vendor by their loose names (Loose), -1 where two devices share one. pci.ids
    /// renames devices over the years (`100 Series/C230 Series Chipset Family PCI Express Root Port
    /// #5` became `100/C230 Series Chipset Family PCIe Root Port #5`), and a dump prints the name of
    /// the pci.ids its machine had.
    /// </summary>
    private Dictionary<string, int> LooseIndex(string vendor, ImmutableDictionary<string, int> devices) =>
        _loose.GetOrAdd(vendor, _ =>
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, id) in devices.OrderBy(kv => kv.Value))
            {
                var key = Loose(name);
                index[key] = index.TryGetValue(key, out var other) && other != id ? -1 : id;
            }
            return index;
        });

    /// <summary>A device name with the spellings pci.ids has changed taken out: case, `PCI Express` for `PCIe`, the word `Series`, punctuation and blanks.</summary>
    internal static string Loose(string name)
    {
        var s = name.ToLowerInvariant().Replace("pci express", "pcie", StringComparison.Ordinal)
            .Replace("series", "", StringComparison.Ordinal);
        return new string([.. s.Where(char.IsLetterOrDigit)]);
    }

    /// <summary>Resource name of the bundled subset of pci.ids (scripts/pci-ids-subset.py writes it).</summary>
    public const string BundledResource = "Checker.Model.Import.Hardware.pci-ids-subset.ids";

    /// <summary>
    /// The subset of pci.ids bundled with the tool: the vendors and devices that the kernel quirks
    /// and the hardware facts name, and the classes, for machines without a pci.ids of their own.
    /// </summary>
    public static PciIdsDatabase Bundled()
    {
        var db = Parse(EmbeddedTable.Text(BundledResource, "pci-ids-subset.ids"));
        return new PciIdsDatabase(db._vendors, db._classes)
        {
            Version = db.Version,
            Source = $"the bundled subset of pci.ids (version {db.Version})",
            Alike = db.Alike,
            UnnumberedIndex = db.UnnumberedIndex,
        };
    }

    /// <summary>The version the database's header states, or null.</summary>
    public string? Version { get; private init; }

    /// <summary>How guesses name the database: `pci.ids`, or the bundled subset with its version.</summary>
    public string Source { get; private init; } = "pci.ids";

    /// <summary>The subclass of a class name lspci prints (`PCI bridge` is 0x0604), as `dev->class` with prog-if 0.</summary>
    public int? ClassOf(string className) => _classes.TryGetValue(className.Trim(), out var c) ? c : Fallback?.ClassOf(className);

    /// <summary>The version pci.ids states in its header (`#\tVersion: 2026.08.22`; the subset: `version 2026.08.22`).</summary>
    private static string? VersionOf(string text)
    {
        var m = System.Text.RegularExpressions.Regex.Match(text, @"^#.*?(?:Version:|, version)\s*([0-9.]*[0-9])", System.Text.RegularExpressions.RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value : null;
    }

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
