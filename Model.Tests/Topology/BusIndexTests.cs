using Checker.Model.State;
using Checker.Model.Topology;
using Checker.Model.Tests.Support;
using QuikGraph;
using QuikGraph.Algorithms.ConnectedComponents;

namespace Checker.Model.Tests.Topology;

/// <summary>
/// The per-bus index (<see cref="MachineIndex.BusMembers"/>) and the union-find canonical partition give
/// what the whole-machine scans and QuikGraph's connected components gave: the same candidates of
/// pci_device_group() in the same order, and the same component numbers.
/// </summary>
public class BusIndexTests
{
    public static TheoryData<string> Scenarios() => [.. ScenarioFiles.All()];

    public static TheoryData<string> Topologies() => [.. PciTopologies.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_candidates_and_partition_match_the_whole_machine_scan(string scenario) => Matches(ScenarioFiles.Load(scenario));

    [Theory]
    [MemberData(nameof(Topologies))]
    public void Topology_candidates_and_partition_match_the_whole_machine_scan(string topology) =>
        Matches(PciTopologies.Named(topology).Builder().Build());

    [Fact]
    public void Bus_members_are_the_devices_on_the_same_bus_in_device_order()
    {
        foreach (var m in ScenarioFiles.All().Select(ScenarioFiles.Load).Concat(PciTopologies.All.Select(t => t.Builder().Build())))
            foreach (var d in m.Devices)
            {
                var expected = d.Pci is null ? [] : m.Devices.Where(o => o.Pci is not null && PciBus.SameBus(d, o)).Select(o => o.Index).ToArray();
                Assert.Equal(expected, m.Index.BusMembers[d.Index]);
                if (d.Pci is not null)
                    Assert.Equal(d.Index, m.Index.BusMembers[d.Index][m.Index.BusPosition[d.Index]]);
            }
    }

    private static void Matches(Machine m)
    {
        Func<int, bool>[] presences = [_ => true, d => d % 3 != 0, d => d % 2 == 0];
        foreach (var d in m.Devices.Where(d => d.Pci is not null))
            foreach (var present in presences)
                foreach (bool walkDown in new[] { false, true })
                    Assert.Equal(ScanCandidates(m, d.Index, present, walkDown), PciDeviceGroup.Candidates(m, d.Index, present, walkDown));
        Assert.Equal(QuikGraphComponents(m), CanonicalPartition.For(m).ComponentOf);
    }

    /// <summary>pci_device_group()'s candidates as the model found them before the bus index: every search scans every device.</summary>
    private static List<int> ScanCandidates(Machine m, int dev, Func<int, bool> present, bool walkDown)
    {
        var (top, walked) = PciDeviceGroup.Walk(m, dev);
        var result = new List<int>(walked);
        if (walkDown)
            result.AddRange(m.Devices.Where(d => d.Pci is not null && d.Index != top && present(d.Index) && !Acs.Enabled(m, d)
                && PciBus.Ancestors(m, d.Index).Contains(top)).Select(d => d.Index));
        var seen = new HashSet<int>();
        AliasGroup(top);
        FunctionAliasGroup(top);
        return result;

        void AliasGroup(int pdev)
        {
            if (!seen.Add(pdev))
                return;
            result.Add(pdev);
            foreach (var tmp in m.Devices)
            {
                if (tmp.Index == pdev || tmp.Pci is null || !present(tmp.Index) || !PciBus.AreDmaAliases(m, m.Devices[pdev], tmp))
                    continue;
                AliasGroup(tmp.Index);
                FunctionAliasGroup(tmp.Index);
            }
        }

        void FunctionAliasGroup(int pdev)
        {
            var self = m.Devices[pdev];
            if (!self.Pci!.Multifunction || Acs.Enabled(m, self))
                return;
            foreach (var tmp in m.Devices)
                if (tmp.Index != pdev && tmp.Pci is not null && present(tmp.Index) && PciBus.SameBus(self, tmp)
                    && tmp.Pci.Slot == self.Pci.Slot && !tmp.Pci.IsVf && !Acs.Enabled(m, tmp))
                    AliasGroup(tmp.Index);
        }
    }

    /// <summary>The canonical partition as QuikGraph's connected components numbered it.</summary>
    private static int[] QuikGraphComponents(Machine m)
    {
        var graph = new UndirectedGraph<int, SUndirectedEdge<int>>(allowParallelEdges: false);
        foreach (var d in m.Devices.Where(d => d.Iommu is not null))
            graph.AddVertex(d.Index);
        foreach (var d in m.Devices.Where(d => d.Iommu is not null && d.Pci is not null))
            foreach (var c in ScanCandidates(m, d.Index, _ => true, walkDown: false))
                if (c != d.Index && m.Devices[c].Iommu == d.Iommu)
                    graph.AddEdge(new SUndirectedEdge<int>(Math.Min(c, d.Index), Math.Max(c, d.Index)));
        var components = new ConnectedComponentsAlgorithm<int, SUndirectedEdge<int>>(graph);
        components.Compute();
        var result = new int[m.Devices.Length];
        Array.Fill(result, -1);
        foreach (var (vertex, component) in components.Components)
            result[vertex] = component;
        return result;
    }
}
