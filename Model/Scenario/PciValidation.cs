using System.Collections.Immutable;
using Checker.Model.State;

namespace Checker.Model.Scenario;

/// <summary>
/// Checks the PCI tree as written and produces each device's <see cref="PciInfo"/>: parents exist,
/// are bridges and come first, the tree has no cycle, bus numbers agree with it, VFs sit beside
/// their PF, and quirk aliases stay on one bus.
/// </summary>
internal static class PciValidation
{
    private static readonly ImmutableArray<PcieType> BridgeTypes =
    [
        PcieType.RootPort, PcieType.DownstreamPort, PcieType.UpstreamPort, PcieType.PcieToPciBridge,
        PcieType.PciToPcieBridge, PcieType.PciBridge,
    ];

    public static ImmutableArray<PciInfo?> Validate(
        ScenarioFile file, IReadOnlyList<DeviceDraft> devices, NameTable names, ILookup<int, HostBridgeDraft> bridges)
    {
        foreach (var d in devices)
            if (d.Pci is { } pci && !bridges.Contains(pci.Domain))
                throw file.Error(d.Name, $"no host bridge for PCI domain {pci.Domain:x4}: add it to host-bridges");

        var parents = devices.Select(d => d.Pci?.Parent is { } p ? PciDevice(file, devices, names, p, "parent") : (int?)null).ToArray();
        CheckNoParentCycle(file, devices, parents);
        for (int i = 0; i < devices.Count; i++)
            if (parents[i] is { } parent)
                CheckParent(file, devices, i, parent);
        CheckBusNumbers(file, devices, parents, bridges);

        var physFns = devices.Select((d, i) => d.Pci?.PhysFn is { } pf ? CheckPhysFn(file, devices, names, parents, i, pf) : (int?)null).ToArray();
        CheckVfCounts(file, devices, physFns);

        return devices.Select((d, i) => d.Pci is not { } pci ? null : new PciInfo(
            pci.Domain, pci.BusNumber, pci.Devfn, parents[i], pci.Type, pci.Multifunction, pci.Acs, pci.AcsQuirk,
            pci.DmaAliasOf.Select(a => CheckAlias(file, devices, names, parents, i, a)).ToImmutableArray(),
            physFns[i], pci.Ids)).ToImmutableArray();
    }

    /// <summary>Resolves a reference that must name a PCI device.</summary>
    private static int PciDevice(ScenarioFile file, IReadOnlyList<DeviceDraft> devices, NameTable names, Located<string> name, string role)
    {
        int target = names.Resolve(file, name);
        if (devices[target].Bus != BusKind.Pci)
            throw file.Error(name, $"{role} '{name.Value}' is a {devices[target].Bus.BusName()} device, not a PCI device");
        return target;
    }

    private static void CheckNoParentCycle(ScenarioFile file, IReadOnlyList<DeviceDraft> devices, int?[] parents)
    {
        var edges = parents.Select((p, child) => (child, p)).Where(e => e.p is not null).Select(e => (e.child, e.p!.Value));
        if (WaitCycles.Find(devices.Count, edges) is { } cycle)
            throw file.Error(devices[cycle[0]].Pci!.Parent!.Value,
                $"parent links form a cycle through {string.Join(", ", cycle.Select(i => devices[i].Name.Value))}");
    }

    private static void CheckParent(ScenarioFile file, IReadOnlyList<DeviceDraft> devices, int child, int parent)
    {
        var c = devices[child];
        var reference = c.Pci!.Parent!.Value;
        var p = devices[parent];
        if (parent > child)
            throw file.Error(reference,
                $"parent '{p.Name.Value}' comes after this device (line {p.Line}): devices are listed in the order the kernel adds them, parents first");
        if (!BridgeTypes.Contains(p.Pci!.Type))
            throw file.Error(reference,
                $"parent '{p.Name.Value}' is not a bridge: its type is {Word(p.Pci.Type)} (bridges: {string.Join(", ", BridgeTypes.Select(Word))})");
        if (p.Pci.Domain != c.Pci.Domain)
            throw file.Error(reference, $"parent '{p.Name.Value}' is in another PCI domain");
    }

    /// <summary>
    /// Each bus number of a domain belongs to one place in the tree: the root bus to the host
    /// bridge, any other to the one bridge whose secondary bus it is (numbered above the bridge's).
    /// </summary>
    private static void CheckBusNumbers(
        ScenarioFile file, IReadOnlyList<DeviceDraft> devices, int?[] parents, ILookup<int, HostBridgeDraft> bridges)
    {
        var owner = new Dictionary<(int Domain, int Bus), int>();
        var secondary = new Dictionary<int, int>();
        foreach (var domain in bridges)
            foreach (var bridge in domain)
                owner[(domain.Key, bridge.RootBus)] = -1;
        for (int i = 0; i < devices.Count; i++)
        {
            if (devices[i].Pci is not { } pci)
                continue;
            var name = devices[i].Name;
            int expected = parents[i] ?? -1;
            if (parents[i] is { } parent && pci.BusNumber <= devices[parent].Pci!.BusNumber)
                throw file.Error(name, $"bus {pci.BusNumber:x2} is not below its parent's bus {devices[parent].Pci!.BusNumber:x2}");
            if (parents[i] is { } p && secondary.TryGetValue(p, out var siblingsBus) && siblingsBus != pci.BusNumber)
                throw file.Error(name, $"the devices below '{devices[p].Name.Value}' sit on bus {siblingsBus:x2}, not {pci.BusNumber:x2}");
            if (owner.TryGetValue((pci.Domain, pci.BusNumber), out var current) && current != expected)
                throw file.Error(name, $"bus {pci.Domain:x4}:{pci.BusNumber:x2} is {OwnerText(devices, current)}, "
                    + (parents[i] is null ? "but this device has no parent" : $"but this device's parent is '{devices[expected].Name.Value}'"));
            if (parents[i] is null && bridges[pci.Domain].All(b => b.RootBus != pci.BusNumber))
                throw file.Error(name, $"a device without parent sits on the root bus of a host bridge "
                    + $"({string.Join(", ", bridges[pci.Domain].Select(b => b.RootBus.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))}), not on bus {pci.BusNumber:x2}");
            owner[(pci.Domain, pci.BusNumber)] = expected;
            if (parents[i] is { } bridge)
                secondary[bridge] = pci.BusNumber;
        }
    }

    private static string OwnerText(IReadOnlyList<DeviceDraft> devices, int owner) =>
        owner < 0 ? "the host bridge's root bus" : $"the secondary bus of '{devices[owner].Name.Value}'";

    private static int CheckPhysFn(
        ScenarioFile file, IReadOnlyList<DeviceDraft> devices, NameTable names, int?[] parents, int vf, Located<string> reference)
    {
        int pf = PciDevice(file, devices, names, reference, "physfn");
        if (pf >= vf)
            throw file.Error(reference, $"physfn '{reference.Value}' must come before its VF in the file");
        if (devices[pf].Pci!.PhysFn is not null)
            throw file.Error(reference, $"physfn '{reference.Value}' is itself a VF");
        if (parents[pf] != parents[vf])
            throw file.Error(reference, $"a VF sits on its PF's bus: give it the same parent as '{reference.Value}'");
        return pf;
    }

    private static void CheckVfCounts(ScenarioFile file, IReadOnlyList<DeviceDraft> devices, int?[] physFns)
    {
        foreach (var group in physFns.Select((pf, vf) => (pf, vf)).Where(x => x.pf is not null).GroupBy(x => x.pf!.Value))
            if (group.Count() > ScenarioLimits.MaxVfCount)
            {
                var extra = devices[group.ElementAt(ScenarioLimits.MaxVfCount).vf].Pci!.PhysFn!.Value;
                throw file.Error(extra, $"PF '{devices[group.Key].Name.Value}' has more than {ScenarioLimits.MaxVfCount} VFs");
            }
    }

    /// <summary>Quirk aliases are devfns on the device's own bus (docs/semantics.md, "The machine and the state").</summary>
    private static int CheckAlias(
        ScenarioFile file, IReadOnlyList<DeviceDraft> devices, NameTable names, int?[] parents, int dev, Located<string> reference)
    {
        int alias = PciDevice(file, devices, names, reference, "dma-alias-of");
        if (alias == dev)
            throw file.Error(reference, "a device is not a DMA alias of itself");
        if (devices[alias].Pci!.Domain != devices[dev].Pci!.Domain || parents[alias] != parents[dev])
            throw file.Error(reference, $"dma-alias-of '{reference.Value}' is not on this device's bus");
        return alias;
    }

    private static string Word(PcieType type) => DeviceReader.TypeWords.First(t => t.Item2 == type).Item1;
}
