using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Checker.Model.State;
using QuikGraph;
using QuikGraph.Algorithms.ConnectedComponents;

namespace Checker.Model.Topology;

/// <summary>
/// The groups Linux would form if every device were grouped parents first (docs/semantics.md, "Groups"): the
/// connected components of a "must share a group" graph. It depends only on the topology, and is
/// the oracle of the group invariants. Devices no IOMMU translates belong to no component (-1).
/// </summary>
public sealed class CanonicalPartition
{
    private static readonly ConditionalWeakTable<Machine, CanonicalPartition> Cache = new();

    public ImmutableArray<int> ComponentOf { get; }

    private CanonicalPartition(ImmutableArray<int> componentOf) => ComponentOf = componentOf;

    /// <summary>The partition of M, computed once per machine.</summary>
    public static CanonicalPartition For(Machine m) => Cache.GetValue(m, Compute);

    public bool MustShare(int a, int b) => ComponentOf[a] >= 0 && ComponentOf[a] == ComponentOf[b];

    /// <summary>The members of each component, in device order, components in order of their first member.</summary>
    public IEnumerable<ImmutableArray<int>> Components() =>
        Enumerable.Range(0, ComponentOf.Length).Where(d => ComponentOf[d] >= 0)
            .GroupBy(d => ComponentOf[d]).OrderBy(g => g.First()).Select(g => g.ToImmutableArray());

    private static CanonicalPartition Compute(Machine m)
    {
        var graph = new UndirectedGraph<int, SUndirectedEdge<int>>(allowParallelEdges: false);
        foreach (var d in m.Devices.Where(d => d.Iommu is not null))
            graph.AddVertex(d.Index);
        foreach (var d in m.Devices.Where(d => d.Iommu is not null && d.Pci is not null))
            foreach (var c in PciDeviceGroup.Candidates(m, d.Index, _ => true, walkDown: false))
                if (c != d.Index && m.Devices[c].Iommu == d.Iommu)
                    graph.AddEdge(new SUndirectedEdge<int>(Math.Min(c, d.Index), Math.Max(c, d.Index)));
        var components = new ConnectedComponentsAlgorithm<int, SUndirectedEdge<int>>(graph);
        components.Compute();
        var result = new int[m.Devices.Length];
        Array.Fill(result, -1);
        foreach (var (vertex, component) in components.Components)
            result[vertex] = component;
        return new CanonicalPartition(result.ToImmutableArray());
    }
}
