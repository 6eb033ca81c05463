using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Import.Hardware;

/// <summary>
/// What published root `lspci -vvv` dumps of one chip (vendor:device) show about the two facts
/// the kernel reads from its config space when it forms IOMMU groups: the PCIe capability's port
/// type (pci_pcie_type(), read once by set_pcie_port_type() in drivers/pci/probe.c) and whether an
/// ACS extended capability exists (dev->acs_cap, found by pci_acs_init() in drivers/pci/pci.c).
/// </summary>
/// <param name="PcieType">The scenario format's type name (`root-port`, `legacy-pci`, ...), or
/// null when the dumps do not settle it (the table says `?`, the sources disagree, or the chip's
/// upstream and downstream switch ports share the ID, so only the place in the tree tells).</param>
/// <param name="AcsCapability">Whether the dumps show an Access Control Services capability; null when unknown.</param>
/// <param name="AcsCapFlags">The ACSCap line as lspci prints it, when there is one.</param>
/// <param name="Name">lspci's name of the chip.</param>
/// <param name="Source">Where the dump is published (a URL), with the kernel version when stated.</param>
public sealed record PciCapabilityFact(
    ushort Vendor, ushort Device, string? PcieType, bool? AcsCapability, string? AcsCapFlags, string Name, string Source);

/// <summary>
/// The rows of pci-capabilities.tsv (docs/hardware-facts.md), one answer per vendor:device. Rows
/// of one chip that agree answer with the first; rows that differ only in being the upstream and
/// the downstream port of one switch answer with the downstream port's ACS facts and no type;
/// rows that differ otherwise must both be marked `[disputed]`, and answer null for what differs.
/// A row marked `[firmware-hidden]` (a port whose firmware hid its AER and ACS capabilities, which
/// another dump of the chip lists) is left out of the answer.
/// </summary>
public sealed class PciCapabilityFacts
{
    private const string ResourceName = "Checker.Model.Import.Hardware.pci-capabilities.tsv";
    private const string FileName = "pci-capabilities.tsv";
    private const string Disputed = "[disputed]";
    private const string FirmwareHidden = "[firmware-hidden]";

    private static readonly ImmutableHashSet<string> TypeNames =
        [.. Enum.GetValues<PcieType>().Select(t => t.TypeName())];

    private static readonly Regex IdPair = new("^([0-9a-f]{4}):([0-9a-f]{4})$", RegexOptions.CultureInvariant);

    /// <summary>lspci's ACSCap line: the seven capability bits of PCI_ACS_CAP, each + or -.</summary>
    private static readonly Regex AcsCapLine = new(
        @"^SrcValid[+-] TransBlk[+-] ReqRedir[+-] CmpltRedir[+-] UpstreamFwd[+-] EgressCtrl[+-] DirectTrans[+-]$",
        RegexOptions.CultureInvariant);

    private readonly ImmutableDictionary<(ushort, ushort, uint), PciCapabilityFact> _byId;

    /// <summary>`[behind vvvv:dddd]` in a row's source: the row is of the chip's instances whose parent bridge is that chip.</summary>
    private static readonly Regex Behind = new(@"\[behind ([0-9a-f]{4}):([0-9a-f]{4})\]", RegexOptions.CultureInvariant);

    private PciCapabilityFacts(ImmutableArray<PciCapabilityFact> rows, ImmutableDictionary<(ushort, ushort, uint), PciCapabilityFact> byId)
    {
        Rows = rows;
        _byId = byId;
    }

    /// <summary>The table embedded in the Model assembly.</summary>
    public static PciCapabilityFacts Default { get; } = Load();

    /// <summary>Every row of the table, in file order.</summary>
    public ImmutableArray<PciCapabilityFact> Rows { get; }

    /// <summary>How many chips (distinct vendor:device pairs) the table answers for.</summary>
    public int Count => _byId.Keys.Select(k => (k.Item1, k.Item2)).Distinct().Count();

    /// <summary>The facts of VENDOR:DEVICE, or null when no published dump of the chip was read.</summary>
    public PciCapabilityFact? Lookup(ushort vendor, ushort device) => _byId.GetValueOrDefault((vendor, device, 0u));

    /// <summary>
    /// The facts of an instance of VENDOR:DEVICE below a bridge PARENT (vendor, device): the rows
    /// marked `[behind PARENT]` where there are some (one ID made in two places, such as the CPU's
    /// I/O die and the chipset, with different capability lists), else the chip's other rows.
    /// </summary>
    public PciCapabilityFact? Lookup(ushort vendor, ushort device, (ushort Vendor, ushort Device)? parent) =>
        parent is { } p && _byId.TryGetValue((vendor, device, (uint)p.Vendor << 16 | p.Device), out var placed) ? placed : Lookup(vendor, device);

    /// <summary>Whether the table has rows of VENDOR:DEVICE marked `[behind PARENT]`: the chip was read sitting behind that bridge chip.</summary>
    public bool HasRowsBehind(ushort vendor, ushort device, (ushort Vendor, ushort Device) parent) =>
        _byId.ContainsKey((vendor, device, (uint)parent.Vendor << 16 | parent.Device));

    /// <summary>The rows of chips read behind a bridge VENDOR:DEVICE (marked `[behind VENDOR:DEVICE]`), one answer per chip.</summary>
    public IEnumerable<PciCapabilityFact> RowsBehind(ushort vendor, ushort device) =>
        _byId.Where(kv => kv.Key.Item3 == ((uint)vendor << 16 | device)).Select(kv => kv.Value).OrderBy(f => f.Vendor).ThenBy(f => f.Device);

    private static PciCapabilityFacts Load() => Parse(EmbeddedTable.Text(ResourceName, FileName));

    /// <summary>Reads the table text; a malformed row, or two rows of one chip that conflict unmarked, is an error naming the line.</summary>
    public static PciCapabilityFacts Parse(string text)
    {
        var rows = ImmutableArray.CreateBuilder<PciCapabilityFact>();
        var lines = new List<int>();
        foreach (var (line, s) in EmbeddedTable.Rows(text))
        {
            rows.Add(ParseRow(s, line));
            lines.Add(line);
        }
        var byId = ImmutableDictionary.CreateBuilder<(ushort, ushort, uint), PciCapabilityFact>();
        foreach (var chip in Enumerable.Range(0, rows.Count).GroupBy(i => (rows[i].Vendor, rows[i].Device, BehindOf(rows[i]))))
            byId[chip.Key] = Answer([.. chip.Select(i => (rows[i], lines[i]))]);
        return new PciCapabilityFacts(rows.ToImmutable(), byId.ToImmutable());
    }

    private static PciCapabilityFact ParseRow(string s, int line)
    {
        var f = s.Split('\t');
        if (f.Length != 6)
            throw Error(line, $"expected 6 tab-separated columns, got {f.Length}");
        var id = IdPair.Match(f[0]);
        if (!id.Success)
            throw Error(line, $"vendor:device must be two lowercase 4-digit hex IDs, got '{f[0]}'");
        string? type = f[1] switch
        {
            "?" => null,
            // No Express capability: a conventional PCI function. A conventional bridge is written pci-bridge.
            "-" => PcieType.LegacyPci.TypeName(),
            _ when TypeNames.Contains(f[1]) => f[1],
            _ => throw Error(line, $"pcie-type must be one of {string.Join(", ", TypeNames.Order(StringComparer.Ordinal))}, '-' or '?', got '{f[1]}'"),
        };
        bool? acs = f[2] switch
        {
            "present" => true,
            "absent" => false,
            "?" => null,
            _ => throw Error(line, $"acs-cap must be present, absent or '?', got '{f[2]}'"),
        };
        string? flags = f[3] == "-" ? null : f[3];
        if (acs == true && (flags is null || !AcsCapLine.IsMatch(flags)))
            throw Error(line, $"acs-cap-flags must be lspci's ACSCap line (SrcValid± TransBlk± ... DirectTrans±) when acs-cap is present, got '{f[3]}'");
        if (acs != true && flags is not null)
            throw Error(line, $"acs-cap-flags must be '-' when acs-cap is {f[2]}, got '{f[3]}'");
        if (f[4].Trim().Length == 0)
            throw Error(line, "name is empty");
        if (!f[5].StartsWith("https://", StringComparison.Ordinal) && !f[5].StartsWith("http://", StringComparison.Ordinal))
            throw Error(line, $"source must start with the URL of the published dump, got '{f[5]}'");
        return new PciCapabilityFact(Hex(id.Groups[1].Value), Hex(id.Groups[2].Value), type, acs, flags, f[4], f[5]);
    }

    /// <summary>One chip's answer from all its rows (see the class summary).</summary>
    private static PciCapabilityFact Answer(ImmutableArray<(PciCapabilityFact Row, int Line)> rows)
    {
        // A dump whose firmware hid the port's AER and ACS capabilities as a pair (an option of the
        // board's firmware: another dump of the chip lists both) does not speak for the chip; the
        // other rows answer, and the answer names it.
        var hidden = rows.Where(r => r.Row.Source.Contains(FirmwareHidden, StringComparison.Ordinal)).ToList();
        if (hidden.Count > 0)
        {
            if (hidden.Count == rows.Length)
                throw Error(hidden[0].Line, $"{rows[0].Row.Vendor:x4}:{rows[0].Row.Device:x4}: a {FirmwareHidden} row needs another dump of the chip that lists the capabilities it hides");
            if (hidden.FirstOrDefault(r => r.Row.AcsCapability != false) is { Row: not null } wrong)
                throw Error(wrong.Line, $"a {FirmwareHidden} row must say acs-cap absent");
            var shown = Answer([.. rows.Where(r => !hidden.Contains(r))]);
            return shown with { Source = shown.Source + "; the firmware of " + string.Join(", ", hidden.Select(r => r.Row.Source.Split(' ')[0])) + " hides its AER and ACS capabilities" };
        }
        var first = rows[0].Row;
        if (rows.All(r => SameFacts(r.Row, first)))
            return first;
        var types = rows.Select(r => r.Row.PcieType).ToHashSet();
        if (types.SetEquals(["upstream-port", "downstream-port"]) && rows.GroupBy(r => r.Row.PcieType).All(g => g.All(r => SameFacts(r.Row, g.First().Row))))
        {
            var downstream = rows.First(r => r.Row.PcieType == "downstream-port").Row;
            return downstream with { PcieType = null };
        }
        if (rows.FirstOrDefault(r => !r.Row.Source.Contains(Disputed, StringComparison.Ordinal)) is { Row: not null } unmarked)
        {
            var other = rows.First(r => !SameFacts(r.Row, unmarked.Row));
            throw Error(unmarked.Line, $"{first.Vendor:x4}:{first.Device:x4} conflicts with line {other.Line}; mark both rows {Disputed} in the source column when the dumps disagree");
        }
        bool typesAgree = types.Count == 1, acsAgree = rows.All(r => r.Row.AcsCapability == first.AcsCapability),
            flagsAgree = rows.All(r => r.Row.AcsCapFlags == first.AcsCapFlags);
        return first with
        {
            PcieType = typesAgree ? first.PcieType : null,
            AcsCapability = acsAgree ? first.AcsCapability : null,
            AcsCapFlags = acsAgree && flagsAgree ? first.AcsCapFlags : null,
            Source = string.Join("; ", rows.Select(r => r.Row.Source)),
        };
    }

    private static uint BehindOf(PciCapabilityFact row) =>
        Behind.Match(row.Source) is { Success: true } m ? (uint)Hex(m.Groups[1].Value) << 16 | Hex(m.Groups[2].Value) : 0u;

    private static bool SameFacts(PciCapabilityFact a, PciCapabilityFact b) =>
        a.PcieType == b.PcieType && a.AcsCapability == b.AcsCapability && a.AcsCapFlags == b.AcsCapFlags;

    private static ushort Hex(string s) => ushort.Parse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static FormatException Error(int line, string message) => new($"{FileName}:{line}: {message}");
}
