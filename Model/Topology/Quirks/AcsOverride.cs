using System.Collections.Immutable;
using System.Globalization;
using Checker.Model.State;

namespace Checker.Model.Topology.Quirks;

/// <summary>
/// The `pcie_acs_override=` kernel parameter of the out-of-tree ACS override patch ("pci: Enable
/// overrides for missing ACS capabilities", Alex Williamson, 2013, carried by Arch's linux-vfio,
/// Zen, Liquorix, Proxmox opt-in builds and many how-tos; never merged, in no released kernel).
/// It adds `{ PCI_ANY_ID, PCI_ANY_ID, pcie_acs_overrides }` as the last entry of
/// pci_dev_acs_enabled[], so it answers only for functions no earlier quirk answered for.
/// </summary>
public sealed record AcsOverride(bool Downstream, bool Multifunction, ImmutableArray<(int Vendor, int Device)> Ids)
{
    /// <summary>NUM_ACS_IDS is 16 and pcie_acs_override_setup() refuses an id once max_acs_id reaches 15.</summary>
    public const int MaxIds = 15;

    /// <summary>The parameter's value as the command line spells it (`downstream,multifunction,id:8086:1901`).</summary>
    public string Text => string.Join(",", (Downstream ? ["downstream"] : Array.Empty<string>())
        .Concat(Multifunction ? ["multifunction"] : [])
        .Concat(Ids.Select(i => $"id:{i.Vendor:x4}:{i.Device:x4}")));

    /// <summary>
    /// Reads the value the way pcie_acs_override_setup() does (comma-separated `downstream`,
    /// `multifunction`, `id:vvvv:dddd`), but strictly: a token the patch would ignore is an error
    /// here (ERROR names it), since a scenario should say only what the kernel acts on.
    /// </summary>
    public static (AcsOverride? Result, string? Error) Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool downstream = false, multifunction = false;
        var ids = ImmutableArray.CreateBuilder<(int, int)>();
        foreach (var raw in value.Split(','))
        {
            var token = raw.Trim();
            if (token == "downstream")
                downstream = true;
            else if (token == "multifunction")
                multifunction = true;
            else if (token.StartsWith("id:", StringComparison.Ordinal) && token[3..].Split(':') is [var v, var d] && Hex4(v) is int vendor && Hex4(d) is int device)
            {
                if (ids.Count == MaxIds)
                    return (null, $"more than {MaxIds} id: entries (the patch has {MaxIds + 1} slots and uses {MaxIds})");
                ids.Add((vendor, device));
            }
            else
                return (null, $"'{token}' is not a pcie_acs_override token: expected downstream, multifunction or id:vvvv:dddd (hex vendor and device)");
        }
        return (new AcsOverride(downstream, multifunction, ids.ToImmutable()), null);
    }

    private static int? Hex4(string s) =>
        s.Length is >= 1 and <= 4 && int.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v) ? v : null;

    /// <summary>
    /// Mirrors pcie_acs_overrides() of the patch: never for conventional PCI functions or ones with
    /// an ACS capability (`pci_find_ext_capability(dev, PCI_EXT_CAP_ID_ACS)`: the standard rules
    /// read it instead); then a listed vendor:device, every root and downstream port with
    /// `downstream`, every multifunction endpoint, legacy endpoint, RC integrated endpoint and
    /// upstream port with `multifunction`; else -ENOTTY (no answer). An answer is "enabled"
    /// whatever flags were asked for.
    /// </summary>
    public AcsQuirkDecision Decide(PciInfo pci)
    {
        ArgumentNullException.ThrowIfNull(pci);
        if (pci.Type is PcieType.LegacyPci or PcieType.PciBridge || HasAcsCapability(pci))
            return AcsQuirkDecision.NoQuirk;
        if (pci.Ids is { Vendor: int v, Device: int d } && Ids.Contains((v, d)))
            return AcsQuirkDecision.Isolates;
        return pci.Type switch
        {
            PcieType.RootPort or PcieType.DownstreamPort when Downstream => AcsQuirkDecision.Isolates,
            PcieType.Endpoint or PcieType.UpstreamPort or PcieType.RcIntegratedEndpoint when Multifunction && pci.Multifunction => AcsQuirkDecision.Isolates,
            _ => AcsQuirkDecision.NoQuirk,
        };
    }

    /// <summary>An ACS capability: said by the dump, or implied by ACS flags in effect. Unknown counts as none.</summary>
    private static bool HasAcsCapability(PciInfo pci) => pci.Ids?.AcsCapability ?? pci.Acs != AcsFlags.None;
}
