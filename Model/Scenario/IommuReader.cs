using System.Collections.Immutable;
using System.Globalization;
using Checker.Model.State;

namespace Checker.Model.Scenario;

/// <summary>An `iommus` entry as written; names are resolved once every list is read.</summary>
internal sealed record IommuDraft(
    Located<string> Name, Located<string>? Device, Located<string>? Driver, int? Contexts, bool DeferForever,
    int Line);

/// <summary>A `host-bridges` entry as written.</summary>
internal sealed record HostBridgeDraft(
    Located<int> Domain, int RootBus, Firmware Firmware, Located<string>? Iommu, int Line)
{
    /// <summary>`vmd`: the VMD endpoint whose domain this is.</summary>
    public Located<string>? Vmd { get; init; }
}

/// <summary>Reads the `iommus` and `host-bridges` lists: what translates which part of the machine.</summary>
internal static class IommuReader
{
    public static readonly IReadOnlyList<(string, Firmware)> FirmwareWords = [("dt", Firmware.Dt), ("acpi", Firmware.Acpi)];

    private static readonly ImmutableArray<string> IommuFields = ["name", "device", "driver", "contexts", "defer-forever"];
    private static readonly ImmutableArray<string> BridgeFields = ["domain", "root-bus", "firmware", "iommu", "vmd"];

    public static IReadOnlyList<IommuDraft> ReadIommus(MappingFields top, Arch arch) =>
        top.List("iommus", ScenarioLimits.MaxIommus, "IOMMU instances")
            .Select(item => ReadIommu(MappingFields.Open(top.File, item.Node, item.Path, IommuFields), arch))
            .ToList();

    private static IommuDraft ReadIommu(MappingFields f, Arch arch)
    {
        var name = f.RequiredName("name");
        Located<string>? device, driver;
        if (arch == Arch.X86)
        {
            // intel-iommu and amd-iommu register at rootfs_initcall from the DMAR/IVRS tables,
            // not when a driver binds a device (docs/semantics.md, "The machine and the state").
            foreach (var key in new[] { "device", "driver" })
                if (f.Get(key) is { } node)
                    throw f.File.Error(node, f.PathOf(key),
                        "on arch x86 the IOMMU registers at rootfs_initcall, not through a device and driver: remove this field");
            (device, driver) = (null, null);
        }
        else
        {
            device = f.RequiredName("device");
            driver = f.RequiredName("driver");
        }
        return new IommuDraft(name, device, driver, f.Int("contexts", 1, ScenarioLimits.MaxContexts),
            f.Bool("defer-forever", false), f.Line);
    }

    public static IReadOnlyList<HostBridgeDraft> ReadHostBridges(MappingFields top) =>
        top.List("host-bridges")
            .Select(item => ReadHostBridge(MappingFields.Open(top.File, item.Node, item.Path, BridgeFields)))
            .ToList();

    private static HostBridgeDraft ReadHostBridge(MappingFields f)
    {
        var domainNode = f.Required("domain");
        int domain = Domain(f);
        int rootBus = HexDigits(f, "root-bus", 2);
        var firmware = f.RequiredChoice("firmware", FirmwareWords);
        return new HostBridgeDraft(new Located<int>(domain, Scalars.Line(domainNode), f.PathOf("domain")),
            rootBus, firmware, f.Name("iommu"), f.Line) { Vmd = f.Name("vmd") };
    }

    /// <summary>A domain as `%04x` writes it: 4 hex digits, or up to 8 from 0x10000 on (a VMD domain), without leading zeros past four.</summary>
    private static int Domain(MappingFields f)
    {
        var node = f.Required("domain");
        var text = Scalars.Text(f.File, node, f.PathOf("domain"));
        var hint = $"expected 4 hex digits, or up to {PciDomain.MaxDigits} as %04x prints a domain from 10000 on (quote it: \"0000\", \"10000\"), got '{text}'";
        if (!text.All(char.IsAsciiHexDigit))
            throw f.File.Error(node, f.PathOf("domain"), hint);
        if (PciDomain.Parse(text, out var why) is not int domain)
            throw f.File.Error(node, f.PathOf("domain"), text.Length is >= 4 and <= PciDomain.MaxDigits ? why : hint);
        if (!PciDomain.IsCanonical(text))
            throw f.File.Error(node, f.PathOf("domain"), $"write the domain with as many digits as %04x prints: '{PciDomain.Format(domain)}', not '{text}'");
        return domain;
    }

    /// <summary>A number written as exactly N hex digits, the way lspci prints domains and buses.</summary>
    private static int HexDigits(MappingFields f, string key, int digits)
    {
        var text = Scalars.Text(f.File, f.Required(key), f.PathOf(key));
        if (text.Length != digits || !text.All(char.IsAsciiHexDigit))
            throw f.File.Error(f.Required(key), f.PathOf(key), $"expected {digits} hex digits (quote it: \"{new string('0', digits)}\"), got '{text}'");
        return int.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }
}
