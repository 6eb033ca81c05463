using Checker.Model.State;

namespace Checker.Model.Topology;

/// <summary>
/// The search of pci_device_group() in drivers/iommu/iommu.c, as a lazy sequence of the devices
/// whose group it would take, in the order it looks at them. The caller takes the first that has
/// a group (or allocates a new one); the canonical partition joins a device to all of them.
/// </summary>
public static class PciDeviceGroup
{
    /// <summary>
    /// Mirrors pci_device_group(): DMA-alias walk, upstream walk to the ACS isolation point,
    /// quirk aliases on the bus, then the other functions of a non-isolated multifunction slot.
    /// With WALKDOWN (the `walk-down` variant) it also offers the non-isolated devices below the
    /// isolation point. PRESENT filters for_each_pci_dev().
    /// </summary>
    public static IEnumerable<int> Candidates(Machine m, int dev, Func<int, bool> present, bool walkDown)
    {
        var (top, walked) = Walk(m, dev);
        foreach (var d in walked)
            yield return d;
        if (walkDown)
            foreach (var d in Below(m, top, present))
                yield return d;
        var seen = new HashSet<int>();
        foreach (var d in AliasGroup(m, top, present, seen))
            yield return d;
        foreach (var d in FunctionAliasGroup(m, top, present, seen))
            yield return d;
    }

    /// <summary>
    /// Steps 1 and 2 of the search: the device, the bridges that take over its requester ID
    /// (pci_for_each_dma_alias), then the bridges up to the first whose whole path has ACS.
    /// Returns the device the walk stopped at and every device visited, in order. Under the 6.15
    /// rules the alias walk of a VMD domain's function starts at its VMD endpoint
    /// (<see cref="Vmd.AliasWalkStart"/>), which is visited after the device, and goes on from there.
    /// </summary>
    public static (int Top, List<int> Visited) Walk(Machine m, int dev)
    {
        var visited = new List<int> { dev };
        int start = Vmd.AliasWalkStart(m, dev);
        if (start != dev)
            visited.Add(start);
        int current = start;
        foreach (var bridge in PciBus.Ancestors(m, start))
        {
            if (!Acs.TakesOverRequesterId(m.Devices[bridge].Pci!.Type))
                continue;
            visited.Add(bridge);
            current = bridge;
        }
        foreach (var bridge in PciBus.Ancestors(m, current))
        {
            if (Acs.PathEnabled(m, bridge))
                break;
            visited.Add(bridge);
            current = bridge;
        }
        return (current, visited);
    }

    /// <summary>
    /// The `walk-down` search, as proposed in the D05 thread: "walk downwards to see if any
    /// non-ACS-isolated children already have a group". Every present device below TOP that is not
    /// itself ACS-isolated is offered, whether or not its own walk would stop at TOP.
    /// </summary>
    private static IEnumerable<int> Below(Machine m, int top, Func<int, bool> present)
    {
        foreach (var d in m.Devices)
            if (d.Pci is not null && d.Index != top && present(d.Index) && !Acs.Enabled(m, d)
                && PciBus.Ancestors(m, d.Index).Contains(top))
                yield return d.Index;
    }

    /// <summary>Mirrors get_pci_alias_group(): the device, then its quirk aliases on the bus, recursively.</summary>
    private static IEnumerable<int> AliasGroup(Machine m, int pdev, Func<int, bool> present, HashSet<int> seen)
    {
        if (!seen.Add(pdev))
            yield break;
        yield return pdev;
        var self = m.Devices[pdev];
        foreach (int other in m.Index.BusMembers[pdev])
        {
            var tmp = m.Devices[other];
            if (tmp.Index == pdev || tmp.Pci is null || !present(tmp.Index) || !PciBus.AreDmaAliases(m, self, tmp))
                continue;
            foreach (var d in AliasGroup(m, tmp.Index, present, seen))
                yield return d;
            foreach (var d in FunctionAliasGroup(m, tmp.Index, present, seen))
                yield return d;
        }
    }

    /// <summary>Mirrors get_pci_function_alias_group(): non-isolated functions of a non-isolated multifunction slot.</summary>
    private static IEnumerable<int> FunctionAliasGroup(Machine m, int pdev, Func<int, bool> present, HashSet<int> seen)
    {
        var self = m.Devices[pdev];
        if (!self.Pci!.Multifunction || Acs.Enabled(m, self))
            yield break;
        foreach (int other in m.Index.BusMembers[pdev])
        {
            var tmp = m.Devices[other];
            if (tmp.Index == pdev || tmp.Pci is null || !present(tmp.Index) || !PciBus.SameBus(self, tmp)
                || tmp.Pci.Slot != self.Pci.Slot || tmp.Pci.IsVf || Acs.Enabled(m, tmp))
                continue;
            foreach (var d in AliasGroup(m, tmp.Index, present, seen))
                yield return d;
        }
    }

    /// <summary>What <see cref="Find"/> asks of its caller: which devices are present, and which candidate ends the search.</summary>
    public interface ISearch
    {
        bool Present(int dev);

        bool Accepts(int candidate);
    }

    /// <summary>
    /// The first of <see cref="Candidates"/> after the devices <see cref="Walk"/> visits (TOP the
    /// last of them) that SEARCH accepts, or -1: the same search, made eagerly and without
    /// allocating, for the hot path (dma_configure). The test suite checks that it meets the
    /// candidates in the same order.
    /// </summary>
    public static int Find<T>(Machine m, int top, bool walkDown, ref T search) where T : struct, ISearch
    {
        if (walkDown)
            foreach (var d in m.Devices)
                if (d.Pci is not null && d.Index != top && search.Present(d.Index) && !Acs.Enabled(m, d)
                    && IsBelow(m, d.Index, top) && search.Accepts(d.Index))
                    return d.Index;
        // Every device the alias searches meet is on TOP's bus (both require PciBus.SameBus), so SEEN is
        // indexed by position on that bus rather than by device.
        int onBus = m.Index.BusMembers[top].Length;
        Span<bool> seen = onBus <= 512 ? stackalloc bool[onBus] : new bool[onBus];
        int found = FindInAliasGroup(m, top, ref search, seen);
        return found >= 0 ? found : FindInFunctionAliasGroup(m, top, ref search, seen);
    }

    private static bool IsBelow(Machine m, int dev, int top)
    {
        for (int? p = m.Devices[dev].Pci?.ParentBridge; p is int cur; p = m.Devices[cur].Pci!.ParentBridge)
            if (cur == top)
                return true;
        return false;
    }

    /// <summary><see cref="AliasGroup"/>, stopping at the first device SEARCH accepts.</summary>
    private static int FindInAliasGroup<T>(Machine m, int pdev, ref T search, Span<bool> seen) where T : struct, ISearch
    {
        int at = m.Index.BusPosition[pdev];
        if (seen[at])
            return -1;
        seen[at] = true;
        if (search.Accepts(pdev))
            return pdev;
        var self = m.Devices[pdev];
        foreach (int other in m.Index.BusMembers[pdev])
        {
            var tmp = m.Devices[other];
            if (tmp.Index == pdev || tmp.Pci is null || !search.Present(tmp.Index) || !PciBus.AreDmaAliases(m, self, tmp))
                continue;
            int found = FindInAliasGroup(m, tmp.Index, ref search, seen);
            if (found < 0)
                found = FindInFunctionAliasGroup(m, tmp.Index, ref search, seen);
            if (found >= 0)
                return found;
        }
        return -1;
    }

    /// <summary><see cref="FunctionAliasGroup"/>, stopping at the first device SEARCH accepts.</summary>
    private static int FindInFunctionAliasGroup<T>(Machine m, int pdev, ref T search, Span<bool> seen) where T : struct, ISearch
    {
        var self = m.Devices[pdev];
        if (!self.Pci!.Multifunction || Acs.Enabled(m, self))
            return -1;
        foreach (int other in m.Index.BusMembers[pdev])
        {
            var tmp = m.Devices[other];
            if (tmp.Index == pdev || tmp.Pci is null || !search.Present(tmp.Index) || !PciBus.SameBus(self, tmp)
                || tmp.Pci.Slot != self.Pci.Slot || tmp.Pci.IsVf || Acs.Enabled(m, tmp))
                continue;
            int found = FindInAliasGroup(m, tmp.Index, ref search, seen);
            if (found >= 0)
                return found;
        }
        return -1;
    }
}
