using System.Collections.Immutable;
using Checker.Model.Import.Hardware;
using Checker.Model.State;
using Checker.Model.Topology.Quirks;

namespace Checker.Model.Import;

/// <summary>One PCI function as the import will write it, with references still by name.</summary>
public sealed record ImportedPci(
    string Name, Bdf Address, string? Parent, PcieType Type, bool Multifunction, AcsFlags Acs, string? PhysFn, int Line)
{
    /// <summary>The root bus at the top of its subtree: which host bridge it is under.</summary>
    public int RootBus { get; init; }
    /// <summary>What the kernel's quirk tables match on, as far as the dump says.</summary>
    public PciIds? Ids { get; init; }
}

/// <summary>Derives the PCI devices from the `lspci -tv` tree, refined by `lspci -vvv` and the base scenario.</summary>
public static class PciImport
{
    /// <summary>The functions in the kernel's add order (pci_bus_add_devices: a bus's functions by devfn, then each bridge's bus).</summary>
    public static ImmutableArray<ImportedPci> Devices(ImportInputs input, Arch arch, List<Guess> guesses)
    {
        var tree = input.Tree!;
        var dropped = new HashSet<Bdf>();
        if (input.Base is null && arch == Arch.X86)
            foreach (var t in tree.Devices.Where(t => MachineDefaults.IsAmdIommuFunction(t, input.Verbose?.GetValueOrDefault(t.Address))))
            {
                dropped.Add(t.Address);
                guesses.Add(new Guess(GuessSubject.Machine, $"{t.Address} not imported: it is the AMD IOMMU's own function, "
                    + "which amd_iommu does not translate (it is in no IOMMU group on a real machine)"));
            }
        var byParent = tree.Devices.ToLookup(d => d.Parent);
        var ordered = new List<TreeDevice>();
        void AddBus(Bdf? parent)
        {
            var onBus = byParent[parent].Where(d => !dropped.Contains(d.Address)).OrderBy(d => d.Address.Devfn).ToList();
            ordered.AddRange(onBus);
            foreach (var d in onBus.Where(d => d.IsBridge))
                AddBus(d.Address);
        }
        foreach (var hb in tree.HostBridges.OrderBy(h => h.Domain).ThenBy(h => h.RootBus))
        {
            var roots = byParent[null].Where(d => d.Address.Domain == hb.Domain && d.Address.Bus == hb.RootBus && !dropped.Contains(d.Address))
                .OrderBy(d => d.Address.Devfn).ToList();
            ordered.AddRange(roots);
            foreach (var r in roots.Where(r => r.IsBridge))
                AddBus(r.Address);
        }

        var vfOf = VirtualFunctions(input, ordered, guesses);
        var functionsInSlot = ordered.Where(o => !vfOf.ContainsKey(o.Address))
            .CountBy(o => (o.Address.Domain, o.Address.Bus, o.Address.Slot)).ToDictionary();
        var types = new Dictionary<Bdf, PcieType>();
        var rootBus = new Dictionary<Bdf, int>();
        var idsOf = new Dictionary<Bdf, PciIds?>();
        var result = ImmutableArray.CreateBuilder<ImportedPci>();
        foreach (var d in ordered)
        {
            rootBus[d.Address] = d.Parent is { } up ? rootBus[up] : d.Address.Bus;
            var name = d.Address.ToString();
            var verbose = input.Verbose?.GetValueOrDefault(d.Address);
            var baseDev = Base(input, name);
            var enumerated = input.Dmesg?.Enumerated.GetValueOrDefault(name);
            (ushort, ushort)? parentIds = d.Parent is { } pa && idsOf.GetValueOrDefault(pa) is { Vendor: int pv, Device: int pd } ? ((ushort)pv, (ushort)pd) : null;
            var ids = IdsOf(input, d, verbose, baseDev, enumerated, parentIds, byParent, guesses);
            // A dump with capability lists (or the base) says it all; otherwise another machine's root dump of the chip may.
            idsOf[d.Address] = ids;
            var fact = verbose is { CapabilitiesShown: true } || baseDev is not null || ids is not { Vendor: int fv, Device: int fd }
                ? null : input.Facts?.Lookup((ushort)fv, (ushort)fd, parentIds);
            var type = TypeOf(d, verbose, baseDev, types, enumerated, fact, guesses);
            types[d.Address] = type;
            bool multifunction = !vfOf.ContainsKey(d.Address) && functionsInSlot[(d.Address.Domain, d.Address.Bus, d.Address.Slot)] > 1;
            var acs = AcsOf(d, type, verbose, baseDev, fact, guesses);
            if (fact?.AcsCapability is bool factCap && ids!.AcsCapability is null)
                ids = ids with { AcsCapability = factCap };
            if (acs == AcsFlags.None && verbose is not { CapabilitiesShown: true } && baseDev is null && RealGroupsIsolate(input, ordered, d, type) is { } why)
            {
                acs = AcsFlags.Required;
                guesses.Add(new Guess(GuessSubject.Device(name), $"ACS taken as in effect: {why} (its capability list is not in the dump)"));
            }
            result.Add(new ImportedPci(name, d.Address, d.Parent?.ToString(), type, multifunction, acs,
                vfOf.TryGetValue(d.Address, out var pf) ? pf.ToString() : null, d.Line)
            {
                RootBus = rootBus[d.Address],
                Ids = ids,
            });
        }
        return result.ToImmutable();
    }

    private static PciInfo? Base(ImportInputs input, string name) =>
        input.Base is { } b && b.DeviceIndex(name) is var i and >= 0 ? b.Devices[i].Pci : null;

    /// <summary>Vendor, device, class and whether an ACS capability exists, where the dump tells them (the base's otherwise).</summary>
    private static PciIds? IdsOf(ImportInputs input, TreeDevice d, VerboseDevice? v, PciInfo? baseDev, EnumeratedPci? enumerated,
        (ushort, ushort)? parentIds, ILookup<Bdf?, TreeDevice> byParent, List<Guess> guesses)
    {
        var tree = MachineDefaults.TreeIdsOf(d.Description);
        bool? acsCap = v is null ? null : v.AcsCapabilityListed ? true : v.CapabilitiesShown ? false : null;
        // The dmesg's enumeration line has the IDs and class even where lspci ran without -nn.
        var ids = new PciIds(v?.Vendor ?? tree?.Vendor ?? enumerated?.Vendor, v?.Device ?? tree?.Device ?? enumerated?.DeviceId,
            v?.ClassCode ?? enumerated?.ClassCode, acsCap);
        ids = Named(input, d, v, ids, parentIds, byParent, guesses);
        return ids == new PciIds(null, null, null, null) ? baseDev?.Ids : ids;
    }

    /// <summary>Without -nn: the IDs pci.ids gives the printed names (each one a guess).</summary>
    private static PciIds Named(ImportInputs input, TreeDevice d, VerboseDevice? v, PciIds ids, (ushort, ushort)? parentIds,
        ILookup<Bdf?, TreeDevice> byParent, List<Guess> guesses)
    {
        if (input.Names is not { } db)
            return ids;
        var text = v?.Description is { Length: > 0 } described ? described : d.Description;
        if (ids.Vendor is null && db.Find(text) is { } found)
        {
            if (found.Device is int named && found.Source != "lspci's numeric name" && db.NamedAlike(found.Vendor, named) is { Length: > 1 } alike)
                found = found with { Device = OneOfAlike(input, db, d, found.Vendor, alike, parentIds, byParent, guesses, named) };
            else if (found.Device is null && db.Unnumbered(text) is { } unnumbered && unnumbered.Vendor == found.Vendor)
                found = found with
                {
                    Device = unnumbered.Devices.Length == 1
                        ? OnlyUnnumbered(db, d, unnumbered.Vendor, unnumbered.Devices[0], guesses)
                        : OneOfAlike(input, db, d, found.Vendor, unnumbered.Devices, parentIds, byParent, guesses, named: null),
                    Source = unnumbered.Source,
                };
            ids = ids with { Vendor = found.Vendor, Device = found.Device };
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), found.Device is int dev
                ? found.Source == "lspci's numeric name"
                    ? $"IDs {found.Vendor:x4}:{dev:x4} read from lspci's `Device {dev:x4}` (its pci.ids had no name for it; no -nn)"
                    : $"IDs {found.Vendor:x4}:{dev:x4} taken from {found.Source} by the name lspci printed (no -nn)"
                : $"vendor {found.Vendor:x4} taken from {found.Source} by the name lspci printed (no -nn); the device name is not in it"));
        }
        if (ids.Class is null && v is not null && db.ClassOf(v.ClassName) is int cls)
            ids = ids with { Class = cls };
        return ids;
    }

    /// <summary>The one device whose name is the printed one with a trailing ` #N`.</summary>
    private static int OnlyUnnumbered(PciIdsDatabase db, TreeDevice d, int vendor, int device, List<Guess> guesses)
    {
        guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), $"no device has the printed name (no -nn); once a trailing ` #N` is dropped "
            + $"it is the name of {vendor:x4}:{device:x4} ({Quoted(db, vendor, device)}) alone: taken"));
        return device;
    }

    private static string Quoted(PciIdsDatabase db, int vendor, int device) => string.Join(", ", db.NamesOf(vendor, device).Select(n => $"`{n}`"));

    /// <summary>
    /// Which of the devices a name without -nn cannot tell apart (ALIKE) function D is. First by
    /// what sits behind a bridge: the one pci-capabilities.tsv has rows `[behind]` for a function
    /// below D (the X570 chipset's 1022:57a4 ports hold the SATA, USB and Reserved SPP functions
    /// the table read behind 57a4, where its 57a3 ports hold slots). Then by what the import would
    /// do with each: where every one gives the same answers (CandidatesAgree), which it is does not
    /// matter, and the first is taken. Otherwise, for devices pci.ids gives the very name lspci
    /// printed (NAMED the first), the first, with a guess that says so; for devices whose names
    /// only match once their ` #N` is dropped (NAMED null), none: the device stays unknown, as
    /// for a name pci.ids does not have.
    /// </summary>
    private static int? OneOfAlike(ImportInputs input, PciIdsDatabase db, TreeDevice d, int vendor, ImmutableArray<int> alike,
        (ushort, ushort)? parentIds, ILookup<Bdf?, TreeDevice> byParent, List<Guess> guesses, int? named)
    {
        var subject = GuessSubject.Device(d.Address.ToString());
        var listed = string.Join(", ", alike.Select(a => $"{vendor:x4}:{a:x4}"));
        var how = named is int n
            ? $"pci.ids names {vendor:x4}:{n:x4} and {string.Join(", ", alike.Where(a => a != n).Select(a => $"{vendor:x4}:{a:x4}"))} alike (no -nn)"
            : $"no device has the printed name (no -nn); once a trailing ` #N` is dropped it is the name of "
                + string.Join(" and ", alike.Select(a => $"{vendor:x4}:{a:x4} ({Quoted(db, vendor, a)})"));
        if (d.IsBridge && input.Facts is { } facts)
        {
            var below = byParent[d.Address]
                .Select(c => db.Lookup(input.Verbose?.GetValueOrDefault(c.Address)?.Description is { Length: > 0 } t ? t : c.Description))
                .OfType<(int Vendor, int? Device)>().Where(c => c.Device is not null).Select(c => (c.Vendor, Device: c.Device!.Value)).Distinct().ToList();
            var placed = alike.Where(a => below.Any(c => facts.HasRowsBehind((ushort)c.Vendor, (ushort)c.Device, ((ushort)vendor, (ushort)a)))).ToList();
            if (placed.Count == 1)
            {
                var child = below.First(c => facts.HasRowsBehind((ushort)c.Vendor, (ushort)c.Device, ((ushort)vendor, (ushort)placed[0])));
                guesses.Add(new Guess(subject, $"{how}: "
                    + $"{vendor:x4}:{placed[0]:x4} taken, since {child.Vendor:x4}:{child.Device:x4} sits behind this bridge and pci-capabilities.tsv "
                    + $"read that chip behind {vendor:x4}:{placed[0]:x4}"));
                return placed[0];
            }
        }
        var first = named ?? alike[0];
        var (same, what) = CandidatesAgree(input, vendor, alike, parentIds);
        if (same)
        {
            guesses.Add(new Guess(subject, $"{how}: {vendor:x4}:{first:x4} taken; which of {listed} it is does not matter here, "
                + $"as every one has the same facts the import reads ({what})"));
            return first;
        }
        if (named is not null)
        {
            guesses.Add(new Guess(subject, $"{how}: the first, {vendor:x4}:{first:x4}, taken; nothing behind it tells them apart ({what})"));
            return first;
        }
        guesses.Add(new Guess(subject, $"{how}: could not be decided, as they differ in {what}"));
        return null;
    }

    /// <summary>
    /// Whether the devices CANDIDATES of VENDOR would all be imported alike here (below a parent
    /// PARENT): the same row of pci-capabilities.tsv (type and ACS capability), the same rows of
    /// chips read behind them, the same rows of pci-quirks.tsv (each quirk function with its
    /// version, class and, for an alias fixup, its devfns; an ACS entry by its ID list), and the
    /// same bridge-presence.tsv answer. The class comes from the printed class name, the same for
    /// all. Returns the common answers, or the first fact they differ in, with each one's answer.
    /// </summary>
    private static (bool Same, string What) CandidatesAgree(ImportInputs input, int vendor, ImmutableArray<int> candidates, (ushort, ushort)? parent)
    {
        string Fact(int c) => input.Facts?.Lookup((ushort)vendor, (ushort)c, parent) is { } f
            ? $"{f.PcieType ?? "type unknown"}, ACS capability {(f.AcsCapability is bool b ? b ? "present" : "absent" : "unknown")}"
            : "no row";
        string Behind(int c) => string.Join("; ", input.Facts?.RowsBehind((ushort)vendor, (ushort)c)
            .Select(f => $"{f.Vendor:x4}:{f.Device:x4} {f.PcieType ?? "?"} ACS {f.AcsCapability?.ToString() ?? "?"}") ?? []) is { Length: > 0 } rows ? rows : "none";
        string Quirks(int c) => string.Join(", ", PciQuirks.Rows
            .Where(r => r.Vendor == vendor && (r.Device is null || r.Device == c) && (!r.IsAcs || r.Ids == "-" || r.ListContains(c)))
            .Select(r => $"{r.Function} from v{r.Since}{(r.Class is int k ? $" for class {k:x6}" : "")}{(r.IsAcs ? "" : $" ({r.Ids})")}")
            .Distinct().Order(StringComparer.Ordinal)) is { Length: > 0 } rows ? rows : "none";
        string Presence(int c) => BridgePresence.Default.Lookup((ushort)vendor, (ushort)c) is null ? "not listed" : "listed only with a link";
        (string Table, Func<int, string> Of)[] facts =
        [
            ("pci-capabilities.tsv", Fact), ("the pci-capabilities.tsv rows of chips behind it", Behind),
            ("pci-quirks.tsv", Quirks), ("bridge-presence.tsv", Presence),
        ];
        foreach (var (table, of) in facts)
            if (candidates.Select(of).Distinct().Count() > 1)
                return (false, $"{table}: " + string.Join("; ", candidates.Select(c => $"{vendor:x4}:{c:x4} {of(c)}")));
        return (true, string.Join("; ", facts.Select(f => $"{f.Table}: {f.Of(candidates[0])}")));
    }

    private static PcieType TypeOf(TreeDevice d, VerboseDevice? v, PciInfo? baseDev, Dictionary<Bdf, PcieType> types, EnumeratedPci? enumerated,
        PciCapabilityFact? fact, List<Guess> guesses)
    {
        if (v is { NoCapabilityList: true })
        {
            var conventional = v.IsBridge ? PcieType.PciBridge : PcieType.LegacyPci;
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), $"type {conventional.TypeName()}: the dump shows no capability list "
                + $"(line {v.Line}: {(v.StatusCapList == false ? "Status: Cap-" : "no Capabilities: line, which lspci prints, even without root, for every function that has one")}), "
                + "so no PCI Express capability"));
            return conventional;
        }
        if (v is { CapabilitiesShown: true })
            return v.Type ?? (v.IsBridge ? PcieType.PciBridge : PcieType.LegacyPci);
        if (baseDev is not null)
            return baseDev.Type;
        // This machine's own enumeration line (v6.8 on) says what its capability list would: the
        // PCI Express type, or no PCI Express capability at all. It wins over another machine's row.
        if (enumerated is { Type: { } logged } && IsBridgeType(logged) == d.IsBridge)
            return logged;
        if (enumerated is { Type: not null })
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), $"type '{enumerated.TypeText}' of the dmesg (line {enumerated.Line}) not used: "
                + $"this function is {(d.IsBridge ? "a bridge" : "not a bridge")} in the lspci text"));
        PcieType? parent = d.Parent is { } p ? types[p] : null;
        if (fact?.PcieType is { } factName && Enum.GetValues<PcieType>().FirstOrDefault(t => t.TypeName() == factName) is var factType
            && factType.TypeName() == factName)
        {
            if (IsBridgeType(factType) == d.IsBridge)
            {
                guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), $"type {factName} from {FactText(fact)} (the dump has no capability list)"));
                return factType;
            }
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), $"type {factName} of {FactText(fact)} not used: "
                + $"this function is {(d.IsBridge ? "a bridge" : "not a bridge")} in the dump"));
        }
        var type = !d.IsBridge ? PcieType.Endpoint
            : v?.ClassCode is 0x060401 ? PcieType.PciBridge
            : parent is null ? PcieType.RootPort
            : parent is PcieType.UpstreamPort ? PcieType.DownstreamPort
            : parent is PcieType.RootPort or PcieType.DownstreamPort ? PcieType.UpstreamPort
            : PcieType.PciBridge;
        if (d.IsBridge)
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), $"type {type.TypeName()} guessed from its place in the tree (no capability list: lspci -vvv as root has it)"));
        return type;
    }

    private static bool IsBridgeType(PcieType t) => t is PcieType.RootPort or PcieType.UpstreamPort or PcieType.DownstreamPort
        or PcieType.PcieToPciBridge or PcieType.PciToPcieBridge or PcieType.PciBridge;

    /// <summary>A fact's row as a guess names it: the table, the chip and the published dump it was read from.</summary>
    private static string FactText(PciCapabilityFact f) =>
        $"pci-capabilities.tsv (chip {f.Vendor:x4}:{f.Device:x4} '{f.Name}', as the root lspci -vvv of {f.Source} shows it)";

    private static AcsFlags AcsOf(TreeDevice d, PcieType type, VerboseDevice? v, PciInfo? baseDev, PciCapabilityFact? fact, List<Guess> guesses)
    {
        if (v?.Acs is { } acs)
            return acs;
        bool isolating = type is PcieType.RootPort or PcieType.DownstreamPort
            || (type is PcieType.Endpoint or PcieType.RcIntegratedEndpoint or PcieType.UpstreamPort && d.Address.Function > 0);
        if (v is { CapabilitiesShown: true, AcsCapabilityListed: true })
        {
            // pci_std_enable_acs() turns on every control ACSCap has once an IOMMU asked for ACS,
            // and pci_acs_flags_enabled() counts the ones ACSCap lacks as in effect.
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), "ACS capability listed without ACSCap/ACSCtl (lspci -v): "
                + "all of SV, RR, CR, UF taken as in effect, as pci_std_enable_acs() enables them; -vv shows them"));
            return AcsFlags.Required;
        }
        if (v is { CapabilitiesShown: true })
            return AcsFlags.None;
        if (baseDev is not null)
            return baseDev.Acs;
        if (fact?.AcsCapability is bool hasCap)
        {
            // pci_std_enable_acs() enables SV, RR, CR and UF where ACSCap has them, and
            // pci_acs_flags_enabled() counts those it lacks as in effect: all four, or none.
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), hasCap
                ? $"ACS capability present by {FactText(fact)}: SV, RR, CR, UF taken as in effect, as pci_std_enable_acs() enables them"
                : $"no ACS capability, by {FactText(fact)}"));
            return hasCap ? AcsFlags.Required : AcsFlags.None;
        }
        if (isolating || d.IsBridge)
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), "ACS unknown (no capability list): none assumed, "
                + "the conservative choice (functions share groups unless the kernel's ACS quirks isolate them)"));
        return AcsFlags.None;
    }

    /// <summary>
    /// Why the real IOMMU groups given with --iommu-groups
    /// show D isolating, or null: a root or downstream port whose functions below are all in
    /// groups other than its own, or a function of a multifunction slot in a group apart from
    /// every other function of the slot. Only the kernel's ACS check separates them so.
    /// </summary>
    private static string? RealGroupsIsolate(ImportInputs input, List<TreeDevice> devices, TreeDevice d, PcieType type)
    {
        if (!input.GroupsGiven || input.Groups is not { } groups)
            return null;
        var groupOf = groups.SelectMany(g => g.Value.Select(m => (m, g.Key))).GroupBy(x => x.m).ToDictionary(g => g.Key, g => g.First().Key);
        if (!groupOf.TryGetValue(d.Address.ToString(), out var own))
            return null;
        if (type is PcieType.RootPort or PcieType.DownstreamPort)
        {
            var below = devices.Where(c => c.Parent == d.Address).Select(c => groupOf.TryGetValue(c.Address.ToString(), out var g) ? g : (int?)null).ToList();
            return below.Count > 0 && below.All(g => g is not null && g != own)
                ? $"the real groups put the {below.Count} function(s) below it in groups other than its own ({own})" : null;
        }
        if (type is PcieType.Endpoint or PcieType.RcIntegratedEndpoint or PcieType.UpstreamPort)
        {
            var slot = devices.Where(o => o.Address != d.Address && o.Address.Domain == d.Address.Domain && o.Address.Bus == d.Address.Bus
                && o.Address.Slot == d.Address.Slot).Select(o => groupOf.TryGetValue(o.Address.ToString(), out var g) ? g : (int?)null).ToList();
            return slot.Count > 0 && slot.All(g => g is not null && g != own)
                ? $"the real groups put it (group {own}) apart from the other functions of its slot" : null;
        }
        return null;
    }

    /// <summary>VF to PF: from the PFs' SR-IOV capability (routing ID + offset + i * stride), else the base scenario, else the name.</summary>
    private static Dictionary<Bdf, Bdf> VirtualFunctions(ImportInputs input, List<TreeDevice> devices, List<Guess> guesses)
    {
        var result = new Dictionary<Bdf, Bdf>();
        var present = devices.Select(d => d.Address).ToHashSet();
        foreach (var v in input.Verbose?.Values.Where(v => v.Sriov is not null) ?? [])
            for (int i = 0; i < v.Sriov!.NumVfs; i++)
            {
                int rid = (v.Address.Bus << 8 | v.Address.Devfn) + v.Sriov.Offset + i * v.Sriov.Stride;
                var vf = new Bdf(v.Address.Domain, rid >> 8, (rid & 0xff) >> 3, rid & 7);
                if (present.Contains(vf))
                    result[vf] = v.Address;
            }
        foreach (var d in devices.Where(d => !result.ContainsKey(d.Address)))
        {
            if (Base(input, d.Address.ToString()) is { PhysFn: int pf })
                result[d.Address] = Bdf.TryParse(input.Base!.Devices[pf].Name)!.Value;
            else if (input.Verbose?.GetValueOrDefault(d.Address) is not { CapabilitiesShown: true } && LooksLikeVf(DescriptionOf(input, d))
                && devices.FirstOrDefault(o => o.Parent == d.Parent && o.Address.Bus == d.Address.Bus && !LooksLikeVf(DescriptionOf(input, o))) is { } guessPf)
            {
                result[d.Address] = guessPf.Address;
                guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()),
                    $"a VF by its name '{DescriptionOf(input, d)}'; PF {guessPf.Address} guessed (the first function on its bus)"));
            }
        }
        return result;
    }

    private static string DescriptionOf(ImportInputs input, TreeDevice d) =>
        input.Verbose?.GetValueOrDefault(d.Address)?.Description is { Length: > 0 } v ? v : d.Description;

    private static bool LooksLikeVf(string description) =>
        description.Contains(" VF]", StringComparison.Ordinal) || description.Contains("Virtual Function", StringComparison.Ordinal);
}
