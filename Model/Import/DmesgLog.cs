using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>An `Adding to iommu group N` (or `Removing from`) line of a dmesg: when, by which prefix, which device.</summary>
public sealed record GroupLine(long Micros, string Prefix, string Device, int Group, bool Adding, int Line)
{
    /// <summary>The line without its time, as the model's log prints it.</summary>
    public string Text => $"{Prefix} {Device}: {(Adding ? "Adding to" : "Removing from")} iommu group {Group}";
}

/// <summary>A driver seen printing about a device (`mlx5_core 000a:11:00.0: ...`), first time only.</summary>
public sealed record DriverSighting(string Driver, string Device, long Micros, int Line);

/// <summary>
/// A PCI function as enumeration logs it, `pci 0000:00:1c.0: [8086:a110] type 01 class 0x060400`
/// (pci_setup_device(), drivers/pci/probe.c), with from v6.8 the port type after it
/// (pci_type_str(): `PCIe Root Port`, `conventional PCI endpoint`, ...): the PCI Express
/// capability's type field, or, for a function without one, its header type. Type is null where the line has none.
/// </summary>
public sealed record EnumeratedPci(string Device, int Vendor, int DeviceId, int ClassCode, PcieType? Type, string? TypeText, int Line);

/// <summary>What a dmesg says about IOMMU groups, drivers and the PCI functions it enumerated; every other well-formed line is noise.</summary>
public sealed record DmesgLog(ImmutableArray<GroupLine> GroupLines, ImmutableArray<DriverSighting> Drivers)
{
    /// <summary>The PCI functions of the log's enumeration lines, by name (the first line of each).</summary>
    public ImmutableDictionary<string, EnumeratedPci> Enumerated { get; init; } = ImmutableDictionary<string, EnumeratedPci>.Empty;

    /// <summary>The version of the `Linux version 5.3.0-rc8 ...` line, if the log has it.</summary>
    public string? KernelVersion { get; init; }

    /// <summary>The `Kernel command line: ...` lines of the log (the boot's own parameters: `pcie_acs_override=`, `deferred_probe_timeout=`).</summary>
    public ImmutableArray<CommandLineEvidence> CommandLine { get; init; } = [];

    private static readonly Regex Stamped = new("^(?:<\\d+>)?\\[\\s*(\\d+)\\.(\\d{1,6})\\] ?(.*)$");
    /// <summary>`dmesg -T`: `[Tue Sep 17 10:12:34 2019] text`.</summary>
    private static readonly Regex HumanStamped = new("^\\[\\w{3} (\\w{3}) +(\\d{1,2}) (\\d\\d):(\\d\\d):(\\d\\d) (\\d{4})\\] ?(.*)$");
    /// <summary>`journalctl -k`: `Sep 19 09:12:03 host kernel: text`, or `-o short-iso`: `2019-09-19T09:12:03+0100 host kernel: text`.</summary>
    private static readonly Regex Journal = new("^(?:(\\w{3}) +(\\d{1,2})|\\d{4}-\\d\\d-(\\d\\d)T)[ ]?(\\d\\d):(\\d\\d):(\\d\\d)(?:[.,]\\d+)?(?:[+-]\\d{2}:?\\d{2}|Z)? \\S+ kernel: ?(.*)$");
    /// <summary>`journalctl -k -o short-monotonic`: `[    3.412345] host kernel: text`.</summary>
    private static readonly Regex MonotonicJournal = new("^[\\w.-]+ kernel: ?(.*)$");
    private static readonly Regex Version = new("^Linux version (\\S+)");
    private static readonly Regex Group = new("^(\\S+) (\\S+): (Adding to|Removing from) iommu group (\\d+)$");
    private static readonly Regex DeviceLine = new("^(\\S+) (\\S+): ");
    private static readonly Regex Enumeration = new("^pci (\\S+): \\[([0-9a-f]{4}):([0-9a-f]{4})\\] type ([0-9a-f]{2}) class 0x([0-9a-f]{6})(?: (.+))?$");

    /// <summary>
    /// pci_type_str() of drivers/pci/probe.c (v6.8 on; the patch as first posted said "Upstream
    /// Switch Port" and "Downstream Switch Port"): the text it prints for each type. "PCIe unknown"
    /// is left out, as the model has no type for it; a legacy endpoint is, for ACS, an endpoint
    /// (pci_acs_enabled() treats PCI_EXP_TYPE_LEG_END as PCI_EXP_TYPE_ENDPOINT).
    /// </summary>
    private static readonly ImmutableDictionary<string, PcieType> TypeTexts = new Dictionary<string, PcieType>
    {
        ["PCIe Endpoint"] = PcieType.Endpoint,
        ["PCIe Legacy Endpoint"] = PcieType.Endpoint,
        ["PCIe Root Port"] = PcieType.RootPort,
        ["PCIe Switch Upstream Port"] = PcieType.UpstreamPort,
        ["PCIe Upstream Switch Port"] = PcieType.UpstreamPort,
        ["PCIe Switch Downstream Port"] = PcieType.DownstreamPort,
        ["PCIe Downstream Switch Port"] = PcieType.DownstreamPort,
        ["PCIe to PCI/PCI-X bridge"] = PcieType.PcieToPciBridge,
        ["PCI/PCI-X to PCIe bridge"] = PcieType.PciToPcieBridge,
        ["PCIe Root Complex Integrated Endpoint"] = PcieType.RcIntegratedEndpoint,
        ["PCIe Root Complex Event Collector"] = PcieType.RcEventCollector,
        ["conventional PCI endpoint"] = PcieType.LegacyPci,
        ["conventional PCI bridge"] = PcieType.PciBridge,
        ["CardBus bridge"] = PcieType.PciBridge,
        ["conventional PCI"] = PcieType.LegacyPci,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    private static readonly ImmutableHashSet<string> BusNames = ["pci", "platform", "amba", "pci_bus", "acpi"];

    /// <summary>Parses dmesg text (`dmesg`, or `dmesg -r` with `&lt;N&gt;` levels). A line without a timestamp is an error.</summary>
    public static DmesgLog Parse(string file, string text)
    {
        var groups = ImmutableArray.CreateBuilder<GroupLine>();
        var drivers = ImmutableArray.CreateBuilder<DriverSighting>();
        var seen = new HashSet<(string, string)>();
        string? version = null;
        var commandLine = ImmutableArray.CreateBuilder<CommandLineEvidence>();
        long? firstWall = null;
        var enumerated = ImmutableDictionary.CreateBuilder<string, EnumeratedPci>(StringComparer.Ordinal);
        foreach (var section in PastedText.Sections(text))
        foreach (var (line, s, _) in section.Lines)
        {
            if (s.StartsWith("-- ", StringComparison.Ordinal))
                continue;   // journalctl's "-- Logs begin at ..." and "-- Boot ... --"
            if (StampOrError(file, line, s, ref firstWall) is not var (micros, body))
                throw new ImportException(file, line, $"expected a kernel log line in {section.What}: '[SSSSS.UUUUUU] text' (dmesg), "
                    + $"'[Tue Sep 17 10:12:34 2019] text' (dmesg -T) or 'Sep 17 10:12:34 host kernel: text' (journalctl -k); saw '{PastedText.Clip(s)}'");
            if (version is null && Version.Match(body) is { Success: true } v)
                version = v.Groups[1].Value;
            if (body.StartsWith("Kernel command line: ", StringComparison.Ordinal))
                commandLine.Add(new CommandLineEvidence(file, line, body));
            if (Group.Match(body) is { Success: true } g)
            {
                if (!int.TryParse(g.Groups[4].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                    throw new ImportException(file, line, $"group id {g.Groups[4].Value} is out of range");
                groups.Add(new GroupLine(micros, g.Groups[1].Value, g.Groups[2].Value, id, g.Groups[3].Value == "Adding to", line));
            }
            if (Enumeration.Match(body) is { Success: true } en && Bdf.TryParse(en.Groups[1].Value) is { } bdf && !enumerated.ContainsKey(bdf.ToString()))
            {
                static int Hex(Group g) => int.Parse(g.Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var typeText = en.Groups[6].Success ? en.Groups[6].Value.Trim() : null;
                enumerated[bdf.ToString()] = new EnumeratedPci(bdf.ToString(), Hex(en.Groups[2]), Hex(en.Groups[3]), Hex(en.Groups[5]),
                    typeText is not null && TypeTexts.TryGetValue(typeText, out var t) ? t : null, typeText, line);
            }
            if (DeviceLine.Match(body) is { Success: true } d && !BusNames.Contains(d.Groups[1].Value)
                && Bdf.TryParse(d.Groups[2].Value) is not null && seen.Add((d.Groups[1].Value, d.Groups[2].Value)))
                drivers.Add(new DriverSighting(d.Groups[1].Value, d.Groups[2].Value, micros, line));
        }
        return new DmesgLog(groups.ToImmutable(), drivers.ToImmutable()) { KernelVersion = version, CommandLine = commandLine.ToImmutable(), Enumerated = enumerated.ToImmutable() };
    }

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>
    /// <see cref="Stamp"/>, with a number too large for its field (a damaged line can carry any
    /// number of digits, and \d also matches non-ASCII digits) reported at its line.
    /// </summary>
    private static (long Micros, string Body)? StampOrError(string file, int line, string s, ref long? firstWall)
    {
        try
        {
            return Stamp(s, ref firstWall);
        }
        catch (Exception e) when (e is OverflowException or FormatException)
        {
            throw new ImportException(file, line, $"the time stamp of '{PastedText.Clip(s)}' is not a time a kernel log prints");
        }
    }

    /// <summary>The time of a log line in microseconds (wall-clock forms: from the first such line) and its text.</summary>
    private static (long Micros, string Body)? Stamp(string s, ref long? firstWall)
    {
        static int N(Match m, int g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        if (Stamped.Match(s) is { Success: true } m)
        {
            long micros = checked(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1_000_000
                + long.Parse(m.Groups[2].Value.PadRight(6, '0'), CultureInfo.InvariantCulture));
            var body = m.Groups[3].Value;
            return (micros, MonotonicJournal.Match(body) is { Success: true } j ? j.Groups[1].Value : body);
        }
        long? wall = null;
        string? text = null;
        if (HumanStamped.Match(s) is { Success: true } h)
        {
            wall = Seconds(N(h, 6) * 366L + Array.IndexOf(Months, h.Groups[1].Value) * 31L + N(h, 2), N(h, 3), N(h, 4), N(h, 5));
            text = h.Groups[7].Value;
        }
        else if (Journal.Match(s) is { Success: true } jm)
        {
            long day = jm.Groups[1].Success ? Array.IndexOf(Months, jm.Groups[1].Value) * 31L + N(jm, 2) : N(jm, 3);
            wall = Seconds(day, N(jm, 4), N(jm, 5), N(jm, 6));
            text = jm.Groups[7].Value;
            if (Stamped.IsMatch(text))
                return Stamp(text, ref firstWall);
        }
        if (wall is null)
            return null;
        firstWall ??= wall;
        return (Math.Max(0, wall.Value - firstWall.Value) * 1_000_000, text!);
    }

    private static long Seconds(long day, int hours, int minutes, int seconds) => ((day * 24 + hours) * 60 + minutes) * 60 + seconds;

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
