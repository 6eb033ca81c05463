using Checker.Model.State;
using Checker.Model.Topology;

namespace Checker.Cli.Rendering;

/// <summary>
/// Draws a machine in a state: the PCI tree under its host bridges, the platform devices, one box
/// per IOMMU group, ACS on bridges, and red dashed edges where the canonical partition puts
/// devices together that the actual groups split (the bug made visible).
/// </summary>
public static class MachineGraph
{
    public static string Render(World w)
    {
        var m = w.Machine;
        var dot = new Dot(m.Name, ("rankdir", "LR"), ("fontname", "Helvetica"), ("label", $"{m.Name}: IOMMU groups (boxes), canonical partition where it disagrees (red dashed)"))
            .Defaults("node", ("shape", "box"), ("fontname", "Helvetica"), ("fontsize", "10"));
        foreach (var h in m.HostBridges)
            dot.Node(HostId(h.Domain), ("shape", "folder"), ("label", $"PCI {h.Domain:x4}:{h.RootBus:x2}\n{(h.Firmware == Firmware.Acpi ? "acpi" : "dt")}"
                + (h.Iommu is int i ? ", " + m.Iommus[i].Name : ", no IOMMU")
                + (h.Vmd is int vmd ? $"\nVMD domain of {m.Devices[vmd].Name}" : "")));
        if (m.Devices.Any(d => d.Pci is null))
            dot.Node("platform", ("shape", "folder"), ("label", "platform / amba"));

        foreach (var g in w.Groups.Values)
        {
            dot.Cluster($"group{g.Id}", ("label", $"group {g.Id}"), ("style", "rounded"), ("color", "blue"));
            foreach (var d in g.Members)
                DeviceNode(dot, w, d);
            dot.EndCluster();
        }
        foreach (var d in m.Devices.Where(d => !w.Devices[d.Index].IsGrouped))
            DeviceNode(dot, w, d.Index);

        foreach (var d in m.Devices)
        {
            var from = d.Pci is null ? "platform" : d.Pci.ParentBridge is int p ? m.Devices[p].Name : HostId(d.Pci.Domain);
            dot.Edge(from, d.Name);
        }
        // A VMD domain's functions do DMA through its endpoint (pci_real_dma_dev()).
        foreach (var h in m.HostBridges)
            if (h.Vmd is int vmd)
                dot.Edge(m.Devices[vmd].Name, HostId(h.Domain), ("style", "dotted"), ("label", "vmd"));
        PartitionEdges(dot, w);
        return dot.ToString();
    }

    private static string HostId(int domain) => $"host bridge {domain:x4}";

    private static void DeviceNode(Dot dot, World w, int index)
    {
        var d = w.Machine.Devices[index];
        var s = w.Devices[index];
        var label = d.Name;
        var attributes = new List<(string, string)>();
        if (d.Pci is { } p)
        {
            label += "\n" + p.Type.TypeName() + (p.Multifunction ? ", multifunction" : "") + (p.IsVf ? ", VF" : "");
            bool bridge = w.Machine.Devices.Any(c => c.Pci?.ParentBridge == index) || p.Type is PcieType.RootPort or PcieType.DownstreamPort;
            if (bridge)
            {
                label += Acs.Enabled(w.Machine, d) ? "\nACS: isolates" : "\nno ACS: does not isolate";
                attributes.Add(("color", Acs.Enabled(w.Machine, d) ? "darkgreen" : "orange"));
                attributes.Add(("penwidth", "2"));
            }
        }
        label += s.IsBound ? $"\n{w.Machine.Drivers[s.Driver].Name}" : s.Present ? "\n(unbound)" : "\n(not present)";
        if (!s.Present)
            attributes.Add(("style", "dotted"));
        attributes.Add(("label", label));
        dot.Node(d.Name, [.. attributes]);
    }

    /// <summary>For each canonical component split across groups (or partly ungrouped), an edge from its first member to each member elsewhere.</summary>
    private static void PartitionEdges(Dot dot, World w)
    {
        var m = w.Machine;
        foreach (var component in CanonicalPartition.For(m).Components())
        {
            var present = component.Where(d => w.Devices[d].Present).ToList();
            if (present.Count < 2 || present.Select(d => w.Devices[d].Group).Distinct().Count() < 2)
                continue;
            var first = present[0];
            foreach (var other in present.Skip(1).Where(d => w.Devices[d].Group != w.Devices[first].Group))
                dot.Edge(m.Devices[first].Name, m.Devices[other].Name, ("style", "dashed"), ("color", "red"), ("dir", "none"),
                    ("constraint", "false"), ("fontcolor", "red"), ("label", "partition: same group"));
        }
    }
}
