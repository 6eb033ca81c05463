using System.Collections.Immutable;
using System.Globalization;
using Checker.Model.State;

namespace Checker.Model.Topology.Quirks;

/// <summary>What pci_dev_specific_acs_enabled(dev, REQ_ACS_FLAGS) answers for one function.</summary>
public enum AcsQuirkDecision
{
    /// <summary>-ENOTTY: no entry decides; pci_acs_enabled() reads the standard ACS capability.</summary>
    NoQuirk,
    /// <summary>&gt; 0: the quirk provides every flag asked for; the function isolates.</summary>
    Isolates,
    /// <summary>0: the quirk says the flags are not provided; the function does not isolate, whatever its ACS capability says.</summary>
    DoesNotIsolate,
}

/// <summary>A kernel version as the quirk table dates its rows (major.minor).</summary>
public readonly record struct KernelVersion(int Major, int Minor) : IComparable<KernelVersion>
{
    public int CompareTo(KernelVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <=(KernelVersion a, KernelVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KernelVersion a, KernelVersion b) => a.CompareTo(b) >= 0;
    public static bool operator <(KernelVersion a, KernelVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(KernelVersion a, KernelVersion b) => a.CompareTo(b) > 0;

    /// <summary>The version an era's rules are read from.</summary>
    public static KernelVersion Of(KernelEra era) => Parse(era.Version()) ?? throw new ArgumentOutOfRangeException(nameof(era));

    public static KernelVersion? Parse(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
            ? new KernelVersion(major, minor) : null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}

/// <summary>One row of pci-quirks.tsv: a table entry or fixup line of drivers/pci/quirks.c.</summary>
public sealed record QuirkRow(
    int Line, bool IsAcs, int Vendor, int? Device, int? Class, string Function, string Ids, KernelVersion Since, string Source)
{
    /// <summary>Whether the entry's vendor/device (and class) key matches IDS, as pci_dev_specific_acs_enabled() and the fixup tables compare them.</summary>
    public bool Matches(PciIds ids) =>
        ids.Vendor == Vendor && (Device is null || ids.Device == Device) && (Class is null || ids.Class == Class);

    /// <summary>Whether the function's own ID list (the `ids` column) contains DEVICE.</summary>
    public bool ListContains(int device) => IdList.Parse(Ids).Any(r => r.Lo <= device && device <= r.Hi);
}

/// <summary>
/// The kernel's ACS and DMA-alias quirks (drivers/pci/quirks.c) as data: the rows of
/// pci-quirks.tsv, each with the first kernel version that has it, and one rule per kernel
/// function behind them. Which rows apply follows the run's era; nothing here names a machine.
/// </summary>
public static class PciQuirks
{
    /// <summary>Every row of the table, in file (and so kernel table) order.</summary>
    public static ImmutableArray<QuirkRow> Rows { get; } = Load();

    /// <summary>The rows a kernel of ERA has.</summary>
    public static IEnumerable<QuirkRow> RowsOf(KernelEra era)
    {
        var version = KernelVersion.Of(era);
        return Rows.Where(r => r.Since <= version);
    }

    /// <summary>
    /// Mirrors pci_dev_specific_acs_enabled(dev, REQ_ACS_FLAGS): the entries of
    /// pci_dev_acs_enabled[] whose vendor/device match, in table order; the first whose function
    /// answers (not -ENOTTY/-ENODEV) decides. Rows of one function that only extend its ID list
    /// in later versions are read together with its table entry.
    /// </summary>
    public static (AcsQuirkDecision Decision, QuirkRow? Row) Acs(Machine m, int dev, KernelEra era)
    {
        var d = m.Devices[dev];
        var table = TableAcs(m, d, era);
        if (table.Decision != AcsQuirkDecision.NoQuirk || m.AcsOverride is not { } acsOverride || d.Pci is null)
            return table;
        // The out-of-tree override patch appends { PCI_ANY_ID, PCI_ANY_ID, pcie_acs_overrides }
        // after every entry of the table: it answers only where none of them did.
        return (acsOverride.Decide(d.Pci), null);
    }

    private static (AcsQuirkDecision Decision, QuirkRow? Row) TableAcs(Machine m, DeviceSpec d, KernelEra era)
    {
        if (d.Pci?.Ids is not { Vendor: not null, Device: not null } ids)
            return (AcsQuirkDecision.NoQuirk, null);
        var rows = RowsOf(era).Where(r => r.IsAcs).ToList();
        foreach (var entry in rows.Where(r => r.Matches(ids)).DistinctBy(r => (r.Vendor, r.Device, r.Function)))
        {
            var list = rows.Where(r => r.Function == entry.Function && r.Vendor == entry.Vendor && r.Device == entry.Device).ToList();
            bool Listed() => list.Any(r => r.ListContains(ids.Device!.Value));
            var decision = AcsRule(m, d, entry.Function, Listed);
            if (decision != AcsQuirkDecision.NoQuirk)
                return (decision, list.FirstOrDefault(r => r.Ids == "-" || r.ListContains(ids.Device!.Value)) ?? entry);
        }
        return (AcsQuirkDecision.NoQuirk, null);
    }

    /// <summary>The rule of each function behind pci_dev_acs_enabled[] (v5.3 and v6.15 agree on all of them).</summary>
    private static AcsQuirkDecision AcsRule(Machine m, DeviceSpec d, string function, Func<bool> listed)
    {
        var pci = d.Pci!;
        var type = pci.Type;
        const AcsQuirkDecision isolates = AcsQuirkDecision.Isolates, none = AcsQuirkDecision.NoQuirk;
        return function switch
        {
            // Multifunction devices on the root bus, and only with an AMD IOMMU (the IVRS table):
            // x86 is where that table exists; the IDs are AMD southbridge functions.
            "pci_quirk_amd_sb_acs" => pci.Multifunction && pci.ParentBridge is null && m.Arch == Arch.X86 ? isolates : none,
            "pci_quirk_mf_endpoint_acs" or "pci_quirk_qcom_rp_acs" or "pci_quirk_nxp_rp_acs" or "pci_quirk_xgene_acs"
                or "pci_quirk_brcm_acs" or "pci_quirk_loongson_acs" => isolates,
            "pci_quirk_rciep_acs" => type == PcieType.RcIntegratedEndpoint ? isolates : none,
            "pci_quirk_al_acs" => type == PcieType.RootPort ? isolates : none,
            // PCI_DEV_FLAGS_ACS_ENABLED_QUIRK is set by pci_quirk_enable_intel_pch_acs() when ACS
            // is requested (an IOMMU is on); the model assumes the LPC's RCBA was readable.
            "pci_quirk_intel_pch_acs" or "pci_quirk_cavium_acs" => type == PcieType.RootPort && listed() ? isolates : none,
            // dev->acs_cap must exist; the flags are read from the dword control register that
            // pci_quirk_enable_intel_spt_pch_acs() set, so an ACS capability means isolation. A
            // dump without capability lists does not say: the capability is assumed, as the quirk
            // exists because these ports implement it ("Sunrise Point PCH root ports implement
            // ACS, but ..."), and Undecided() lists the assumption.
            "pci_quirk_intel_spt_pch_acs" => type == PcieType.RootPort && listed() && pci.Ids?.AcsCapability != false ? isolates : none,
            "pci_quirk_zhaoxin_pcie_ports_acs" => type is not (PcieType.RootPort or PcieType.DownstreamPort) ? none
                : listed() ? isolates : AcsQuirkDecision.DoesNotIsolate,
            "pci_quirk_wangxun_nic_acs" => listed() ? isolates : AcsQuirkDecision.DoesNotIsolate,
            _ => throw new InvalidOperationException($"pci-quirks.tsv: no rule for ACS function {function}"),
        };
    }

    /// <summary>
    /// The devfns (on DEV's bus) the DMA-alias fixups of ERA add to dev->dma_alias_mask, and the
    /// rows they come from. quirk_use_pcie_bridge_dma_alias changes which requester ID a bridge
    /// uses, never which devices pci_device_group() visits, so it adds none.
    /// </summary>
    public static (ImmutableArray<int> Devfns, ImmutableArray<QuirkRow> Rows) DmaAliases(Machine m, int dev, KernelEra era)
    {
        var d = m.Devices[dev];
        if (d.Pci?.Ids is not { Vendor: not null, Device: not null } ids)
            return ([], []);
        var devfns = new SortedSet<int>();
        var rows = ImmutableArray.CreateBuilder<QuirkRow>();
        int slot = d.Pci.Slot, fn = d.Pci.Function;
        foreach (var row in RowsOf(era).Where(r => !r.IsAcs && r.Matches(ids)))
        {
            var added = row.Function switch
            {
                "quirk_dma_func0_alias" => fn != 0 ? [slot << 3] : Array.Empty<int>(),
                "quirk_dma_func1_alias" => fn != 1 ? [slot << 3 | 1] : [],
                "quirk_mic_x200_dma_alias" => IdList.Devfns(row.Ids),
                "quirk_pex_vca_alias" => [.. Enumerable.Range(0, 0x20).SelectMany(s => Enumerable.Range(0, 5).Select(f => s << 3 | f))],
                "quirk_use_pcie_bridge_dma_alias" or "quirk_fixed_dma_alias" => [],
                _ => throw new InvalidOperationException($"pci-quirks.tsv: no rule for alias function {row.Function}"),
            };
            if (added.Length > 0)
                rows.Add(row);
            devfns.UnionWith(added);
        }
        return ([.. devfns], rows.ToImmutable());
    }

    /// <summary>
    /// The quirks whose match on DEV could not be decided: its vendor or device ID is unknown
    /// (lspci without -nn and no pci.ids entry), or it needs a fact the dumps do not give
    /// (the subsystem IDs of quirk_fixed_dma_alias, the ACS capability of the SPT quirk).
    /// Named by function, each once.
    /// </summary>
    public static ImmutableArray<string> Undecided(Machine m, int dev, KernelEra era)
    {
        var d = m.Devices[dev];
        var pci = d.Pci ?? throw new ArgumentException($"{d.Name} is not a PCI device", nameof(dev));
        var ids = pci.Ids ?? new PciIds(null, null, null, null);
        var result = new List<string>();
        foreach (var row in RowsOf(era))
        {
            bool vendorOpen = ids.Vendor is null || ids.Vendor == row.Vendor;
            bool deviceOpen = row.Device is null || ids.Device is null || ids.Device == row.Device;
            if (!vendorOpen || !deviceOpen || !CouldApply(row, pci))
                continue;
            bool unknownIds = ids.Vendor is null || (ids.Device is null && (row.Device is not null || row.Ids != "-"));
            bool needsMore = row.Function == "quirk_fixed_dma_alias"
                || (row.Function == "pci_quirk_intel_spt_pch_acs" && ids.Device is int id && row.ListContains(id) && ids.AcsCapability is null);
            if (unknownIds || needsMore)
                result.Add(row.Function);
        }
        if (m.AcsOverride is { Ids.IsEmpty: false } && (ids.Vendor is null || ids.Device is null) && pci.Type is not (PcieType.LegacyPci or PcieType.PciBridge))
            result.Add("pcie_acs_overrides");
        return [.. result.Distinct()];
    }

    /// <summary>Whether a row's function could answer for PCI at all, by the type and place its rule tests first.</summary>
    private static bool CouldApply(QuirkRow row, PciInfo pci) => row.Function switch
    {
        "pci_quirk_amd_sb_acs" => pci.Multifunction && pci.ParentBridge is null,
        "pci_quirk_rciep_acs" => pci.Type == PcieType.RcIntegratedEndpoint,
        "pci_quirk_intel_pch_acs" or "pci_quirk_intel_spt_pch_acs" or "pci_quirk_cavium_acs" or "pci_quirk_al_acs"
            or "pci_quirk_qcom_rp_acs" or "pci_quirk_nxp_rp_acs" or "pci_quirk_xgene_acs" or "pci_quirk_brcm_acs"
            or "pci_quirk_loongson_acs" => pci.Type == PcieType.RootPort,
        "pci_quirk_zhaoxin_pcie_ports_acs" => pci.Type is PcieType.RootPort or PcieType.DownstreamPort,
        "pci_quirk_mf_endpoint_acs" or "pci_quirk_wangxun_nic_acs" => pci.Multifunction,
        "quirk_dma_func0_alias" => pci.Function != 0,
        "quirk_dma_func1_alias" => pci.Function != 1,
        "quirk_use_pcie_bridge_dma_alias" => false,
        _ => true,
    };

    private static ImmutableArray<QuirkRow> Load() => Parse(EmbeddedTable.Text("Checker.Model.Topology.Quirks.pci-quirks.tsv", "pci-quirks.tsv"));

    /// <summary>Reads the table text; a malformed row is an error naming its line.</summary>
    public static ImmutableArray<QuirkRow> Parse(string text)
    {
        var rows = ImmutableArray.CreateBuilder<QuirkRow>();
        foreach (var (line, s) in EmbeddedTable.Rows(text))
        {
            var f = s.Split('\t');
            if (f.Length != 8)
                throw new FormatException($"pci-quirks.tsv:{line}: expected 8 tab-separated columns, got {f.Length}");
            if (f[0] is not ("acs" or "alias"))
                throw new FormatException($"pci-quirks.tsv:{line}: kind must be acs or alias, got '{f[0]}'");
            rows.Add(new QuirkRow(line, f[0] == "acs", Hex(f[1], line, "vendor"), f[2] == "any" ? null : Hex(f[2], line, "device"),
                f[3] == "-" ? null : Hex(f[3], line, "class"), f[4], f[5],
                KernelVersion.Parse(f[6]) ?? throw new FormatException($"pci-quirks.tsv:{line}: since must be MAJOR.MINOR, got '{f[6]}'"),
                f[7]));
        }
        return rows.ToImmutable();
    }

    private static int Hex(string s, int line, string column) =>
        int.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v)
            ? v : throw new FormatException($"pci-quirks.tsv:{line}: {column} must be hex, got '{s}'");
}

/// <summary>The `ids` column: device-ID ranges (`a110-a11f,a167`), or devfns (`10.0,12.3`) for fixed aliases.</summary>
public static class IdList
{
    public static IEnumerable<(int Lo, int Hi)> Parse(string ids)
    {
        if (ids == "-" || ids.Contains('.') || ids.StartsWith("subsystem", StringComparison.Ordinal))
            yield break;
        foreach (var part in ids.Split(','))
        {
            var ends = part.Split('-');
            int lo = int.Parse(ends[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            yield return (lo, ends.Length > 1 ? int.Parse(ends[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : lo);
        }
    }

    public static int[] Devfns(string ids) =>
        [.. ids.Split(',').Select(p => p.Split('.')).Select(p =>
            int.Parse(p[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) << 3 | int.Parse(p[1], CultureInfo.InvariantCulture))];
}
