using System.Collections.Immutable;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>One PCI function as the import will write it, with references still by name.</summary>
public sealed record ImportedPci(
    string Name, Bdf Address, string? Parent, PcieType Type, bool Multifunction, AcsFlags Acs, string? PhysFn, int Line);

/// <summary>Derives the PCI devices from the `lspci -tv` tree, refined by `lspci -vvv` and the base scenario.</summary>
public static class PciImport
{
    /// <summary>The functions in the kernel's add order (pci_bus_add_devices: a bus's functions by devfn, then each bridge's bus).</summary>
    public static ImmutableArray<ImportedPci> Devices(ImportInputs input, List<Guess> guesses)
    {
        var tree = input.Tree!;
        var byParent = tree.Devices.ToLookup(d => d.Parent);
        var ordered = new List<TreeDevice>();
        void AddBus(Bdf? parent)
        {
            var onBus = byParent[parent].OrderBy(d => d.Address.Devfn).ToList();
            ordered.AddRange(onBus);
            foreach (var d in onBus.Where(d => d.IsBridge))
                AddBus(d.Address);
        }
        foreach (var domain in tree.HostBridges.Select(h => h.Domain).Order())
        {
            var roots = byParent[null].Where(d => d.Address.Domain == domain).OrderBy(d => d.Address.Devfn).ToList();
            ordered.AddRange(roots);
            foreach (var r in roots.Where(r => r.IsBridge))
                AddBus(r.Address);
        }

        var vfOf = VirtualFunctions(input, ordered, guesses);
        var functionsInSlot = ordered.Where(o => !vfOf.ContainsKey(o.Address))
            .CountBy(o => (o.Address.Domain, o.Address.Bus, o.Address.Slot)).ToDictionary();
        var types = new Dictionary<Bdf, PcieType>();
        var result = ImmutableArray.CreateBuilder<ImportedPci>();
        foreach (var d in ordered)
        {
            var name = d.Address.ToString();
            var verbose = input.Verbose?.GetValueOrDefault(d.Address);
            var baseDev = Base(input, name);
            var type = TypeOf(d, verbose, baseDev, types, guesses);
            types[d.Address] = type;
            bool multifunction = !vfOf.ContainsKey(d.Address) && functionsInSlot[(d.Address.Domain, d.Address.Bus, d.Address.Slot)] > 1;
            var acs = AcsOf(d, type, verbose, baseDev, guesses);
            result.Add(new ImportedPci(name, d.Address, d.Parent?.ToString(), type, multifunction, acs,
                vfOf.TryGetValue(d.Address, out var pf) ? pf.ToString() : null, d.Line));
        }
        return result.ToImmutable();
    }

    private static PciInfo? Base(ImportInputs input, string name) =>
        input.Base is { } b && b.DeviceIndex(name) is var i and >= 0 ? b.Devices[i].Pci : null;

    private static PcieType TypeOf(TreeDevice d, VerboseDevice? v, PciInfo? baseDev, Dictionary<Bdf, PcieType> types, List<Guess> guesses)
    {
        if (v is not null && !v.CapabilitiesHidden)
            return v.Type ?? (v.ClassName == "PCI bridge" ? PcieType.PciBridge : PcieType.LegacyPci);
        if (baseDev is not null)
            return baseDev.Type;
        PcieType? parent = d.Parent is { } p ? types[p] : null;
        var type = !d.IsBridge ? PcieType.Endpoint
            : parent is null ? PcieType.RootPort
            : parent is PcieType.UpstreamPort ? PcieType.DownstreamPort
            : parent is PcieType.RootPort or PcieType.DownstreamPort ? PcieType.UpstreamPort
            : PcieType.PciBridge;
        if (d.IsBridge)
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), $"type {type.TypeName()} guessed from its place in the tree (no lspci -vvv)"));
        return type;
    }

    private static AcsFlags AcsOf(TreeDevice d, PcieType type, VerboseDevice? v, PciInfo? baseDev, List<Guess> guesses)
    {
        if (v?.Acs is { } acs)
            return acs;
        if (v is not null && !v.CapabilitiesHidden)
            return AcsFlags.None;
        if (baseDev is not null)
            return baseDev.Acs;
        if (d.IsBridge && type is PcieType.RootPort or PcieType.DownstreamPort)
            guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()), "ACS unknown (no lspci -vvv): none assumed"));
        return AcsFlags.None;
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
            else if (input.Verbose is null && LooksLikeVf(d.Description)
                && devices.FirstOrDefault(o => o.Parent == d.Parent && o.Address.Bus == d.Address.Bus && !LooksLikeVf(o.Description)) is { } guessPf)
            {
                result[d.Address] = guessPf.Address;
                guesses.Add(new Guess(GuessSubject.Device(d.Address.ToString()),
                    $"a VF by its name '{d.Description}'; PF {guessPf.Address} guessed (the first function on its bus)"));
            }
        }
        return result;
    }

    private static bool LooksLikeVf(string description) =>
        description.Contains(" VF]", StringComparison.Ordinal) || description.Contains("Virtual Function", StringComparison.Ordinal);
}
