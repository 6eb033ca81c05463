using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Scenario;

/// <summary>A `devices` entry as written; references are resolved once every list is read.</summary>
internal sealed record DeviceDraft(
    Located<string> Name, BusKind Bus, Firmware? Firmware, Located<string>? Iommu, bool Coherent,
    DmaRange? DmaRanges, int CoherentMaskBits, bool Present, PciDraft? Pci, int Line, string Path);

/// <summary>The PCI-only fields of a device entry, with the address parsed from its name.</summary>
internal sealed record PciDraft(
    int Domain, int BusNumber, int Devfn, Located<string>? Parent, PcieType Type, bool Multifunction,
    AcsFlags Acs, bool AcsQuirk, IReadOnlyList<Located<string>> DmaAliasOf, Located<string>? PhysFn, PciIds? Ids = null);

/// <summary>Reads the `devices` list: names, buses, firmware facts and the PCI tree as written.</summary>
internal static partial class DeviceReader
{
    public static readonly IReadOnlyList<(string, BusKind)> BusWords =
        [("platform", BusKind.Platform), ("amba", BusKind.Amba), ("pci", BusKind.Pci)];

    public static readonly IReadOnlyList<(string, PcieType)> TypeWords =
    [
        ("root-port", PcieType.RootPort), ("downstream-port", PcieType.DownstreamPort),
        ("upstream-port", PcieType.UpstreamPort), ("endpoint", PcieType.Endpoint),
        ("pcie-to-pci-bridge", PcieType.PcieToPciBridge), ("pci-to-pcie-bridge", PcieType.PciToPcieBridge),
        ("pci-bridge", PcieType.PciBridge), ("legacy-pci", PcieType.LegacyPci),
        ("rc-integrated-endpoint", PcieType.RcIntegratedEndpoint), ("rc-event-collector", PcieType.RcEventCollector),
    ];

    private static readonly IReadOnlyList<(string, AcsFlags)> AcsWords =
    [
        ("SV", AcsFlags.SourceValidation), ("RR", AcsFlags.RequestRedirect),
        ("CR", AcsFlags.CompletionRedirect), ("UF", AcsFlags.UpstreamForwarding),
    ];

    private static readonly ImmutableArray<string> CommonFields = ["name", "bus", "coherent", "dma-ranges", "coherent-mask", "present"];
    private static readonly ImmutableArray<string> PlatformFields = ["firmware", "iommu"];
    private static readonly ImmutableArray<string> PciFields =
        ["parent", "type", "multifunction", "acs", "acs-quirk", "dma-alias-of", "physfn", "vendor", "device", "class", "acs-capability"];
    private static readonly ImmutableArray<string> AllFields = [.. CommonFields, .. PlatformFields, .. PciFields];
    private static readonly ImmutableArray<string> RangeFields = ["base", "size"];

    public static IReadOnlyList<DeviceDraft> Read(MappingFields top) =>
        top.List("devices", ScenarioLimits.MaxDevices, "devices")
            .Select(item => ReadDevice(MappingFields.Open(top.File, item.Node, item.Path, AllFields)))
            .ToList();

    private static DeviceDraft ReadDevice(MappingFields f)
    {
        var name = f.RequiredName("name");
        var bus = f.RequiredChoice("bus", BusWords);
        RejectFieldsOfOtherBus(f, bus);
        var range = f.Get("dma-ranges") is { } r ? ReadRange(MappingFields.Open(f.File, r, f.PathOf("dma-ranges"), RangeFields)) : null;
        var pci = bus == BusKind.Pci ? ReadPci(f, name) : null;
        bool present = f.Bool("present", true);
        if (pci?.PhysFn is { } pf && present)
            throw f.File.Error(f.LineOf("present"), f.PathOf("present"),
                $"a VF appears only when SR-IOV is enabled on its PF '{pf.Value}': write present: false");
        return new DeviceDraft(
            name, bus,
            bus == BusKind.Pci ? null : f.RequiredChoice("firmware", IommuReader.FirmwareWords),
            f.Name("iommu"),
            f.Bool("coherent", false),
            range,
            f.Int("coherent-mask", 1, 64) ?? 32,
            present, pci, f.Line, f.Path);
    }

    private static void RejectFieldsOfOtherBus(MappingFields f, BusKind bus)
    {
        var (foreign, reason) = bus == BusKind.Pci
            ? (PlatformFields, "a PCI device inherits it from its host bridge")
            : (PciFields, "it applies to bus pci only");
        foreach (var key in foreign)
            if (f.Get(key) is { } node)
                throw f.File.Error(node, f.PathOf(key), $"not allowed on a {bus.BusName()} device: {reason}");
    }

    private static DmaRange ReadRange(MappingFields f)
    {
        ulong dmaBase = Scalars.Unsigned(f.File, f.Required("base"), f.PathOf("base"));
        ulong size = Scalars.Unsigned(f.File, f.Required("size"), f.PathOf("size"));
        if (size == 0)
            throw f.File.Error(f.Required("size"), f.PathOf("size"), "a dma-ranges size must be greater than 0");
        if (size - 1 > ulong.MaxValue - dmaBase)
            throw f.File.Error(f.Required("size"), f.PathOf("size"),
                $"base + size goes beyond the 64-bit address space (base 0x{dmaBase:x}, size 0x{size:x})");
        return new DmaRange(dmaBase, size);
    }

    private static PciDraft ReadPci(MappingFields f, Located<string> name)
    {
        var address = PciAddress().Match(name.Value);
        if (!address.Success)
            throw f.File.Error(name, $"'{name.Value}' is not a PCI name DDDD:BB:DD.F (lowercase hex domain of 4 to {PciDomain.MaxDigits} digits, bus, device <= 1f, function 0-7)");
        int Hex(string group) => int.Parse(address.Groups[group].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var domainDigits = address.Groups["domain"].Value;
        if (PciDomain.Parse(domainDigits, out var why) is null)
            throw f.File.Error(name, $"'{name.Value}': {why}");
        if (!PciDomain.IsCanonical(domainDigits))
            throw f.File.Error(name, $"'{name.Value}': the domain is written as the kernel's %04x prints it, "
                + $"'{PciDomain.Format(PciDomain.Parse(domainDigits, out _)!.Value)}' (no leading zero past four digits)");
        int device = Hex("dev");
        if (device > 0x1f)
            throw f.File.Error(name, $"'{name.Value}': PCI device number {device:x2} is above 1f");
        return new PciDraft(
            Hex("domain"), Hex("bus"), device << 3 | Hex("fn"),
            f.Name("parent"),
            f.Choice("type", TypeWords, PcieType.Endpoint),
            f.Bool("multifunction", false),
            ReadAcs(f),
            f.Bool("acs-quirk", false),
            f.Names("dma-alias-of"),
            f.Name("physfn"),
            ReadIds(f));
    }

    /// <summary>
    /// `vendor`, `device`, `class` (hex, as lspci -nn prints them) and `acs-capability`: what the
    /// kernel's quirk tables match on. Null when none is written.
    /// </summary>
    private static PciIds? ReadIds(MappingFields f)
    {
        int? HexField(string key, int digits)
        {
            if (f.String(key) is not { } text)
                return null;
            var t = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
            if (t.Length == 0 || t.Length > digits || !int.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v))
                throw f.File.Error(f.LineOf(key), f.PathOf(key), $"expected at most {digits} hex digits (as lspci -nn prints it), got '{text}'");
            return v;
        }
        var ids = new PciIds(HexField("vendor", 4), HexField("device", 4), HexField("class", 6),
            f.Has("acs-capability") ? f.Bool("acs-capability", false) : null);
        return ids == new PciIds(null, null, null, null) ? null : ids;
    }

    private static AcsFlags ReadAcs(MappingFields f) =>
        f.List("acs").Aggregate(AcsFlags.None, (acs, item) => acs | Scalars.Choice(f.File, item.Node, item.Path, AcsWords));

    [GeneratedRegex("^(?<domain>[0-9a-f]{4,8}):(?<bus>[0-9a-f]{2}):(?<dev>[0-9a-f]{2})\\.(?<fn>[0-7])$", RegexOptions.CultureInvariant)]
    private static partial Regex PciAddress();
}
