using Checker.Model.State;

namespace Checker.Model.Topology;

/// <summary>PCI bus membership and DMA aliases, derived from the machine's tree.</summary>
public static class PciBus
{
    /// <summary>Two PCI devices sit on the same bus when they share a parent bridge (or both sit on one root bus).</summary>
    public static bool SameBus(DeviceSpec a, DeviceSpec b) =>
        a.Pci is { } pa && b.Pci is { } pb && pa.Domain == pb.Domain && pa.ParentBridge == pb.ParentBridge
        && (pa.ParentBridge is not null || pa.BusNumber == pb.BusNumber);

    /// <summary>
    /// Mirrors pci_devs_are_dma_aliases(): quirk aliases (the scenario's and the era's DMA-alias
    /// fixups), in either direction, on the same bus.
    /// </summary>
    public static bool AreDmaAliases(Machine m, DeviceSpec a, DeviceSpec b) =>
        SameBus(a, b) && (m.Index.DmaAliases[a.Index].Contains(b.Index) || m.Index.DmaAliases[b.Index].Contains(a.Index));

    /// <summary>The bridges above DEV, nearest first.</summary>
    public static IEnumerable<int> Ancestors(Machine m, int dev)
    {
        for (int? p = m.Devices[dev].Pci?.ParentBridge; p is int cur; p = m.Devices[cur].Pci!.ParentBridge)
            yield return cur;
    }
}
