using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>An SR-IOV capability: how many VFs are enabled and where their routing IDs start.</summary>
public sealed record SriovInfo(int TotalVfs, int NumVfs, int Offset, int Stride);

/// <summary>A bridge's `Bus: primary=.., secondary=.., subordinate=..` line.</summary>
public sealed record BusNumbers(int Primary, int Secondary, int Subordinate);

/// <summary>
/// What an lspci listing (`lspci`, `-nn`, `-k`, `-v`..`-vvv`, `-PP`, in any mix) tells about one
/// function. <see cref="CapabilitiesShown"/>: the capability list was printed (lspci -v or more,
/// run as root); <see cref="CapabilitiesHidden"/>: `Capabilities: &lt;access denied&gt;` (not root).
/// </summary>
public sealed record VerboseDevice(
    Bdf Address, string ClassName, PcieType? Type, AcsFlags? Acs, string? Driver, SriovInfo? Sriov, bool CapabilitiesHidden, int Line)
{
    public string Description { get; init; } = "";
    /// <summary>`dev->class`: base class, subclass, prog-if (from `[0c03]` and `(prog-if 30 ...)`); null without -nn.</summary>
    public int? ClassCode { get; init; }
    public int? Vendor { get; init; }
    public int? Device { get; init; }
    public bool CapabilitiesShown { get; init; }
    /// <summary>An `Access Control Services` capability is listed (the ACSCap/ACSCtl details need -vv).</summary>
    public bool AcsCapabilityListed { get; init; }
    public BusNumbers? Bus { get; init; }
    /// <summary>With -PP: the bridges above the function, outermost first.</summary>
    public ImmutableArray<Bdf> Path { get; init; } = [];
    /// <summary>lspci's own `IOMMU group: N` line, or the `IOMMU Group N` heading it was listed under.</summary>
    public int? IommuGroup { get; init; }
    /// <summary>The block has the fields only -v and more print: `Flags:` (-v) or `Control:`/`Status:` (-vv).</summary>
    public bool VerboseFields { get; init; }
    /// <summary>-vv's `Status: Cap+` or `Cap-`: whether the function has a capability list at all (PCI_STATUS_CAP_LIST).</summary>
    public bool? StatusCapList { get; init; }
    /// <summary>
    /// A verbose block that shows the function has no capability list: `Status: Cap-`, or no
    /// `Capabilities:` line at all, which lspci's show_caps() prints (as `&lt;access denied&gt;` without
    /// root) for every function whose status register has PCI_STATUS_CAP_LIST. Such a function has no
    /// PCI Express capability: set_pcie_port_type() finds none, and the kernel treats it as conventional PCI.
    /// </summary>
    public bool NoCapabilityList { get; init; }
    public bool IsBridge => Bus is not null || ClassCode >> 8 is 0x0604 or 0x0609 || ClassName is "PCI bridge" or "CardBus bridge"
        || Type is PcieType.RootPort or PcieType.DownstreamPort or PcieType.UpstreamPort or PcieType.PcieToPciBridge or PcieType.PciToPcieBridge;
}

/// <summary>
/// Every listing form of lspci, one record per function: a device line `[DDDD:]BB:DD.F[/BB:DD.F...]
/// class [cccc]: name [vvvv:dddd] (rev rr) (prog-if pp [..])`, followed by indented fields. Fields
/// whose indentation a paste lost are recognised by their keys; a line that is neither is joined to
/// a line before it that a mailer may have wrapped, else it is an error.
/// </summary>
public static class LspciListing
{
    private const string Address = "(?:" + PciDomain.Pattern + ":)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]";
    /// <summary>A device line whose domain has more hex digits than `%04x` of an int can print.</summary>
    private static readonly Regex WideDomain = new($"^(?<domain>[0-9a-fA-F]{{{PciDomain.MaxDigits + 1},}}):[0-9a-fA-F]{{2}}:[0-9a-fA-F]{{2}}\\.[0-7]\\s");
    public static readonly Regex Header = new(
        $"^(?<path>{Address}(?:/(?:[0-9a-fA-F]{{2}}:)?[0-9a-fA-F]{{2}}\\.[0-7])*)\\s+(?<class>[^:\\[]+?)(?:\\s*\\[(?<classid>[0-9a-fA-F]{{4}})\\])?:\\s*(?<rest>.*)$");
    private static readonly Regex GroupHeading = new("^IOMMU [Gg]roup (?<id>\\d+)(?::|\\s|$)\\s*(?<rest>.*)$");
    /// <summary>The mark the reset-listing variant of the group script prints before a function that has a `reset` file.</summary>
    private static readonly Regex ResetMark = new("^\\[RESET\\]\\s*(?<rest>.*)$");
    private static readonly Regex Ids = new("\\[(?<v>[0-9a-fA-F]{4}):(?<d>[0-9a-fA-F]{4})\\](?!.*\\[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\\])");
    private static readonly Regex UnknownIds = new("\\bDevice (?<v>[0-9a-fA-F]{4}):(?<d>[0-9a-fA-F]{4})\\b");
    private static readonly Regex ProgIf = new("\\(prog-if (?<p>[0-9a-fA-F]{2})");
    private static readonly Regex Capability = new("^Capabilities: \\[[0-9a-fA-F]+(?: v\\d+)?\\] (.*)$");
    private static readonly Regex AcsLine = new("^(ACSCap|ACSCtl):\\s+((?:\\w+[+-]\\s*)+)$");
    private static readonly Regex BusLine = new("^Bus: primary=(?<p>[0-9a-fA-F]{2}), secondary=(?<s>[0-9a-fA-F]{2}), subordinate=(?<u>[0-9a-fA-F]{2})");
    private static readonly Regex GroupLine = new("^IOMMU group: (?<id>\\d+)$");
    /// <summary>`lspci -v`'s group: the last item of its `Flags:` line (show_verbose() in pciutils' lspci.c, v3.7.0 on).</summary>
    private static readonly Regex FlagsGroup = new(", IOMMU group (?<id>\\d+)$");
    private static readonly Regex StatusCap = new("^Status:\\s+Cap([+-])");
    private static readonly Regex VfCounts = new("Total VFs: (\\d+), Number of VFs: (\\d+)");
    private static readonly Regex VfOffset = new("^VF offset: (\\d+), stride: (\\d+)");

    /// <summary>Keys of lspci's fields, recognised at column 0 when a paste lost the indentation.</summary>
    private static readonly string[] FieldKeys =
    [
        "Subsystem:", "DeviceName:", "Flags:", "Control:", "Status:", "Latency:", "Interrupt:", "Region ", "Expansion ROM",
        "Capabilities:", "Kernel driver in use:", "Kernel modules:", "Physical Slot:", "Bus:", "I/O behind bridge:",
        "Memory behind bridge:", "Prefetchable memory behind bridge:", "Secondary status:", "BridgeCtl:", "IOMMU group:",
        "NUMA node:", "BIST result:", "Product Name:", "Read-only fields:", "End",
    ];

    /// <summary>The PCIe capability types as lspci's cap_express() prints them, most specific first.</summary>
    private static readonly (string Words, PcieType Type)[] ExpressTypes =
    [
        ("Root Complex Integrated Endpoint", PcieType.RcIntegratedEndpoint),
        ("Root Complex Event Collector", PcieType.RcEventCollector),
        ("Legacy Endpoint", PcieType.Endpoint),
        ("Endpoint", PcieType.Endpoint),
        ("Root Port", PcieType.RootPort),
        ("Upstream Port", PcieType.UpstreamPort),
        ("Downstream Port", PcieType.DownstreamPort),
        ("PCI-Express to PCI/PCI-X Bridge", PcieType.PcieToPciBridge),
        ("PCI/PCI-X to PCI-Express Bridge", PcieType.PciToPcieBridge),
    ];

    private static readonly (string Word, AcsFlags Flag)[] AcsWords =
    [
        ("SrcValid", AcsFlags.SourceValidation), ("ReqRedir", AcsFlags.RequestRedirect),
        ("CmpltRedir", AcsFlags.CompletionRedirect), ("UpstreamFwd", AcsFlags.UpstreamForwarding),
    ];

    /// <summary>Whether LINE starts a listing: a device line or an `IOMMU Group N` heading.</summary>
    public static bool Starts(string line) => Header.IsMatch(line.Trim()) || GroupHeading.IsMatch(line.Trim());

    /// <summary>Parses `lspci -vvv` (or any listing form) text: the whole file as one listing.</summary>
    public static ImmutableDictionary<Bdf, VerboseDevice> Parse(string file, string text)
    {
        var result = ImmutableDictionary.CreateBuilder<Bdf, VerboseDevice>();
        foreach (var section in PastedText.Sections(text))
            foreach (var (bdf, dev) in Parse(file, section))
                result[bdf] = result.TryGetValue(bdf, out var old) ? Merge(old, dev) : dev;
        return result.ToImmutable();
    }

    /// <summary>A function listed twice (two dumps, or `-s` runs): the later one's facts win where it has them.</summary>
    public static VerboseDevice Merge(VerboseDevice a, VerboseDevice b) => b with
    {
        Type = b.Type ?? a.Type,
        Acs = b.Acs ?? a.Acs,
        Driver = b.Driver ?? a.Driver,
        Sriov = b.Sriov ?? a.Sriov,
        CapabilitiesHidden = a.CapabilitiesHidden && b.CapabilitiesHidden,
        Description = b.Description.Length > 0 ? b.Description : a.Description,
        ClassCode = b.ClassCode ?? a.ClassCode,
        Vendor = b.Vendor ?? a.Vendor,
        Device = b.Device ?? a.Device,
        CapabilitiesShown = a.CapabilitiesShown || b.CapabilitiesShown,
        AcsCapabilityListed = a.AcsCapabilityListed || b.AcsCapabilityListed,
        Bus = b.Bus ?? a.Bus,
        Path = b.Path.IsEmpty ? a.Path : b.Path,
        IommuGroup = b.IommuGroup ?? a.IommuGroup,
        VerboseFields = a.VerboseFields || b.VerboseFields,
        StatusCapList = b.StatusCapList ?? a.StatusCapList,
        NoCapabilityList = (a.NoCapabilityList || b.NoCapabilityList) && !(a.CapabilitiesHidden || b.CapabilitiesHidden)
            && !(a.AcsCapabilityListed || b.AcsCapabilityListed) && (b.Type ?? a.Type) is null,
        Line = a.Line,
    };

    public static ImmutableDictionary<Bdf, VerboseDevice> Parse(string file, DumpSection section)
    {
        var result = ImmutableDictionary.CreateBuilder<Bdf, VerboseDevice>();
        VerboseDevice? dev = null;
        string? capability = null;
        AcsFlags? acsCap = null;
        int? totalVfs = null, numVfs = null, group = null;
        DumpLine? previous = null;

        void Flush()
        {
            if (dev is { VerboseFields: true, CapabilitiesShown: false, CapabilitiesHidden: false } && dev.StatusCapList != true)
                dev = dev with { CapabilitiesShown = true, NoCapabilityList = true };
            if (dev is not null)
                result[dev.Address] = dev;
            dev = null;
        }

        var lines = section.Lines;
        for (int i = 0; i < lines.Length; i++)
        {
            var (line, s, _) = lines[i];
            // A device line a mailer wrapped: its rest is on the next line(s).
            while (Header.IsMatch(s.TrimStart()) && i + 1 < lines.Length && lines[i].MayContinue && IsContinuation(lines[i + 1].Text))
                s = s + " " + lines[++i].Text.Trim();
            var t = s.Trim();
            if (GroupHeading.Match(t) is { Success: true } gh)
            {
                group = int.Parse(gh.Groups["id"].Value, CultureInfo.InvariantCulture);
                t = gh.Groups["rest"].Value.Trim();
                if (t.Length == 0)
                {
                    Flush();
                    previous = lines[i];
                    continue;
                }
            }
            // The group script's variant that marks functions with a reset method (`if [[ -e .../reset ]]; then
            // echo -n "[RESET]"; fi; echo -n $'\t'; lspci -nns ...`): the mark is the script's, the rest lspci's.
            if (group is not null && IsResetMarked(t))
                t = ResetMark.Match(t).Groups["rest"].Value;
            if (Header.Match(t) is { Success: true } h)
            {
                var path = h.Groups["path"].Value.Split('/');
                var first = Bdf.TryParse(path[0], out var why);
                if (first is not { } top)
                    throw new ImportException(file, line, $"expected a device line 'BB:DD.F class: name', saw '{PastedText.Clip(t)}' ({why})");
                var chain = new List<Bdf> { top };
                foreach (var p in path.Skip(1))
                    chain.Add(Bdf.TryParse(p) is { } b ? b with { Domain = top.Domain }
                        : throw new ImportException(file, line, $"-PP path element '{p}' is not 'BB:DD.F' (lspci -P paths without bus numbers cannot be read: use -PP)"));
                var address = chain[^1];
                if (result.TryGetValue(address, out var firstSeen) || dev?.Address == address)
                    throw new ImportException(file, line, $"duplicate device {address} in {section.What} (first at line {(firstSeen ?? dev!).Line})");
                Flush();
                var rest = h.Groups["rest"].Value;
                int? cls = h.Groups["classid"].Success ? Convert.ToInt32(h.Groups["classid"].Value, 16) << 8
                    | (ProgIf.Match(rest) is { Success: true } pi ? Convert.ToInt32(pi.Groups["p"].Value, 16) : 0) : null;
                var ids = Ids.Match(rest) is { Success: true } m ? m : UnknownIds.Match(rest);
                dev = new VerboseDevice(address, h.Groups["class"].Value.Trim(), null, null, null, null, false, line)
                {
                    Description = rest.Trim(),
                    ClassCode = cls,
                    Vendor = ids.Success ? Convert.ToInt32(ids.Groups["v"].Value, 16) : null,
                    Device = ids.Success ? Convert.ToInt32(ids.Groups["d"].Value, 16) : null,
                    Path = [.. chain.Take(chain.Count - 1)],
                    IommuGroup = group,
                };
                capability = null;
                acsCap = null;
                previous = lines[i];
                continue;
            }
            bool indented = char.IsWhiteSpace(s[0]) || FieldKeys.Any(k => t.StartsWith(k, StringComparison.Ordinal));
            if (WideDomain.Match(t) is { Success: true } wide)
                throw new ImportException(file, line, $"PCI domain {wide.Groups["domain"].Value} has more than {PciDomain.MaxDigits} hex digits: "
                    + "Linux prints a domain as %04x of an int (a VMD domain is 10000 on), so no lspci line has one");
            if (!indented)
            {
                if (previous is { MayContinue: true })
                {
                    previous = lines[i] with { Soft = false, Text = previous.Value.Text + " " + t };
                    continue;
                }
                throw new ImportException(file, line, $"expected an lspci device line 'BB:DD.F class: name' or an indented field of it in {section.What}, "
                    + $"saw '{PastedText.Clip(t)}'");
            }
            previous = lines[i];
            if (dev is null)
                throw new ImportException(file, line, $"expected an lspci device line 'BB:DD.F class: name' before this field in {section.What}, saw '{PastedText.Clip(t)}'");
            dev = Field(file, line, t, dev, ref capability, ref acsCap, ref totalVfs, ref numVfs);
        }
        Flush();
        return result.ToImmutable();
    }

    /// <summary>The rest of a wrapped device line: not a field, not a device line, not a heading.</summary>
    private static bool IsContinuation(string next) =>
        !char.IsWhiteSpace(next[0]) && !Starts(next) && !WideDomain.IsMatch(next.Trim()) && !IsResetMarked(next) && !FieldKeys.Any(k => next.StartsWith(k, StringComparison.Ordinal));

    /// <summary>A device line of the reset-marking group script: `[RESET]`, then the lspci line.</summary>
    private static bool IsResetMarked(string line) =>
        ResetMark.Match(line.Trim()) is { Success: true } rm && Header.IsMatch(rm.Groups["rest"].Value);

    private static VerboseDevice Field(string file, int line, string t, VerboseDevice dev,
        ref string? capability, ref AcsFlags? acsCap, ref int? totalVfs, ref int? numVfs)
    {
        if (t.StartsWith("Capabilities: <access denied>", StringComparison.Ordinal))
            return dev with { CapabilitiesHidden = true };
        if (t.StartsWith("Flags:", StringComparison.Ordinal) && FlagsGroup.Match(t) is { Success: true } fg)
            return dev with { VerboseFields = true, IommuGroup = int.Parse(fg.Groups["id"].Value, CultureInfo.InvariantCulture) };
        if (t.StartsWith("Flags:", StringComparison.Ordinal) || t.StartsWith("Control:", StringComparison.Ordinal))
            return dev with { VerboseFields = true };
        if (t.StartsWith("Status:", StringComparison.Ordinal))
            return dev with { VerboseFields = true, StatusCapList = StatusCap.Match(t) is { Success: true } sc ? sc.Groups[1].Value == "+" : dev.StatusCapList };
        if (Capability.Match(t) is { Success: true } cap)
        {
            capability = cap.Groups[1].Value;
            dev = dev with { CapabilitiesShown = true };
            if (capability.StartsWith("Express", StringComparison.Ordinal))
                return dev with { Type = ExpressType(file, line, capability) };
            if (capability.StartsWith("Access Control Services", StringComparison.Ordinal))
                return dev with { AcsCapabilityListed = true };
            return dev;
        }
        if (t.StartsWith("Capabilities:", StringComparison.Ordinal))
            throw new ImportException(file, line, $"expected a capability line 'Capabilities: [NN] name' or 'Capabilities: <access denied>', saw '{PastedText.Clip(t)}'");
        if (t.StartsWith("Kernel driver in use:", StringComparison.Ordinal))
        {
            // A driver name becomes a scenario name: one word, as the kernel's driver names are.
            var driver = t["Kernel driver in use:".Length..].Trim();
            if (driver.Length == 0 || driver.Length > 256 || driver.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                throw new ImportException(file, line, $"expected one driver name after 'Kernel driver in use:', saw '{PastedText.Clip(t)}'");
            return dev with { Driver = driver };
        }
        if (t.StartsWith("ACSCap:", StringComparison.Ordinal) || t.StartsWith("ACSCtl:", StringComparison.Ordinal))
        {
            var flags = AcsFlagsOf(file, line, t);
            if (t.StartsWith("ACSCap:", StringComparison.Ordinal))
            {
                acsCap = flags;
                return dev;
            }
            return dev with { Acs = flags | (acsCap is { } c ? AcsFlags.Required & ~c : AcsFlags.None), AcsCapabilityListed = true };
        }
        if (BusLine.Match(t) is { Success: true } bus)
            return dev with { Bus = new BusNumbers(Hex(bus, "p"), Hex(bus, "s"), Hex(bus, "u")) };
        if (t.StartsWith("Bus:", StringComparison.Ordinal))
            throw new ImportException(file, line, $"expected a bus line 'Bus: primary=BB, secondary=BB, subordinate=BB', saw '{PastedText.Clip(t)}'");
        if (GroupLine.Match(t) is { Success: true } g)
            return dev with { IommuGroup = int.Parse(g.Groups["id"].Value, CultureInfo.InvariantCulture) };
        if (capability?.Contains("SR-IOV", StringComparison.Ordinal) == true && VfCounts.Match(t) is { Success: true } counts)
            (totalVfs, numVfs) = (int.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(counts.Groups[2].Value, CultureInfo.InvariantCulture));
        else if (capability?.Contains("SR-IOV", StringComparison.Ordinal) == true && VfOffset.Match(t) is { Success: true } off)
        {
            if (totalVfs is null || numVfs is null)
                throw new ImportException(file, line, "SR-IOV 'VF offset' before 'Total VFs, Number of VFs'");
            return dev with { Sriov = new SriovInfo(totalVfs.Value, numVfs.Value,
                int.Parse(off.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(off.Groups[2].Value, CultureInfo.InvariantCulture)) };
        }
        return dev;
    }

    private static int Hex(Match m, string group) => Convert.ToInt32(m.Groups[group].Value, 16);

    /// <summary>Flags in effect: every REQ_ACS flag marked `+` (ACSCtl; the caller adds those ACSCap lacks).</summary>
    private static AcsFlags AcsFlagsOf(string file, int line, string t)
    {
        var m = AcsLine.Match(t);
        if (!m.Success)
            throw new ImportException(file, line, $"expected an ACS line 'ACSCtl: SrcValid+ ReqRedir- ...', saw '{PastedText.Clip(t)}'");
        var words = m.Groups[2].Value.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries);
        var flags = AcsFlags.None;
        foreach (var (word, flag) in AcsWords)
            if (words.Contains(word + "+"))
                flags |= flag;
        return flags;
    }

    private static PcieType ExpressType(string file, int line, string capability)
    {
        foreach (var (words, type) in ExpressTypes)
            if (capability.Contains(words, StringComparison.Ordinal))
                return type;
        throw new ImportException(file, line, $"unknown PCI Express device type in '{PastedText.Clip(capability)}'");
    }
}
