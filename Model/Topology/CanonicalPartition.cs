using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Checker.Model.State;

namespace Checker.Model.Topology;

/// <summary>
/// The groups Linux would form if every device were grouped parents first (docs/semantics.md, "Groups"): the
/// connected components of a "must share a group" graph. It depends only on the topology, and is
/// the oracle of the group invariants. Devices no IOMMU translates, and those its driver refuses
/// (<see cref="Vmd.IommuRefuses"/>), belong to no component (-1).
/// </summary>
public sealed class CanonicalPartition
{
    private static readonly ConditionalWeakTable<Machine, CanonicalPartition> Cache = new();

    public ImmutableArray<int> ComponentOf { get; }

    /// <summary>Per device a PCI device's search stopped at, the candidates the rest of the search meets (see <see cref="Compute"/>).</summary>
    private readonly Dictionary<int, int[]> _fromTop;

    private CanonicalPartition(ImmutableArray<int> componentOf, Dictionary<int, int[]> fromTop) =>
        (ComponentOf, _fromTop) = (componentOf, fromTop);

    /// <summary>The partition of M, computed once per machine.</summary>
    public static CanonicalPartition For(Machine m) => Cache.GetValue(m, Compute);

    /// <summary>
    /// Gives CHILD, a machine made from PARENT by dropping devices (DEVMAP as in
    /// <see cref="MachineIndex.Pruned"/>), its partition, found with the part of PARENT's searches
    /// that still holds, when PARENT's partition was computed and CHILD's was not. The search from
    /// a top meets only devices on the top's bus and reads only their facts (the alias lists, ACS,
    /// slots), so where no device of that bus was dropped its candidates are PARENT's, renumbered;
    /// the search is made again from every other top, and the walks are CHILD's index's. The
    /// unions and the numbering are then made as for any machine, so the result is the fresh
    /// partition (MachineIndexDerivationTests compares them).
    /// </summary>
    public static void Pruned(Machine parent, Machine child, int[] devMap)
    {
        if (!Cache.TryGetValue(parent, out var from) || Cache.TryGetValue(child, out _))
            return;
        var back = new int[child.Devices.Length];
        for (int d = 0; d < devMap.Length; d++)
            if (devMap[d] >= 0)
                back[devMap[d]] = d;
        var busMembers = parent.Index.BusMembers;
        var partition = Compute(child, top =>
        {
            int old = back[top];
            if (!from._fromTop.TryGetValue(old, out var list))
                return null;
            foreach (int x in busMembers[old])
                if (devMap[x] < 0)
                    return null;
            var mapped = new int[list.Length];
            for (int i = 0; i < list.Length; i++)
                mapped[i] = devMap[list[i]];
            return mapped;
        });
        Cache.AddOrUpdate(child, partition);
    }

    public bool MustShare(int a, int b) => ComponentOf[a] >= 0 && ComponentOf[a] == ComponentOf[b];

    /// <summary>The members of each component, in device order, components in order of their first member.</summary>
    public IEnumerable<ImmutableArray<int>> Components() =>
        Enumerable.Range(0, ComponentOf.Length).Where(d => ComponentOf[d] >= 0)
            .GroupBy(d => ComponentOf[d]).OrderBy(g => g.First()).Select(g => g.ToImmutableArray());

    /// <summary>
    /// Union-find over the "must share" edges (a device and each of its <see cref="PciDeviceGroup.Candidates"/>
    /// behind the same IOMMU); components are numbered in the order of their first
    /// (lowest) device, as a depth-first search over the devices in order numbers them
    /// (QuikGraph's ConnectedComponentsAlgorithm, which this replaces: a test checks they agree).
    /// </summary>
    private static CanonicalPartition Compute(Machine m) => Compute(m, _ => null);

    /// <summary>The partition of M, with the candidates from a top given by KNOWN where it knows them (null otherwise).</summary>
    private static CanonicalPartition Compute(Machine m, Func<int, int[]?> known)
    {
        var parent = new int[m.Devices.Length];
        for (int i = 0; i < parent.Length; i++)
            parent[i] = i;
        // A device's candidates are its walk (the index has it), then those of the device the walk
        // stopped at, found once per such device.
        var fromTop = new Dictionary<int, int[]>();
        var all = new List<int>();
        foreach (var d in m.Devices)
        {
            if (d.Iommu is null || d.Pci is null || Vmd.IommuRefuses(m, d.Index))
                continue;
            var walked = m.Index.PciWalk[d.Index];
            foreach (var c in walked)
                if (c != d.Index && m.Devices[c].Iommu == d.Iommu)
                    Union(parent, c, d.Index);
            int top = walked[^1];
            if (!fromTop.TryGetValue(top, out var more) && (more = known(top)) is not null)
                fromTop[top] = more;
            else if (more is null)
            {
                all.Clear();
                var collect = new CollectAll(all);
                PciDeviceGroup.Find(m, top, walkDown: false, ref collect);
                fromTop[top] = more = [.. all];
            }
            foreach (var c in more)
                if (c != d.Index && m.Devices[c].Iommu == d.Iommu)
                    Union(parent, c, d.Index);
        }
        var result = new int[m.Devices.Length];
        Array.Fill(result, -1);
        var idOfRoot = new int[m.Devices.Length];
        Array.Fill(idOfRoot, -1);
        int next = 0;
        foreach (var d in m.Devices)
        {
            if (d.Iommu is null || Vmd.IommuRefuses(m, d.Index))
                continue;
            int root = Find(parent, d.Index);
            if (idOfRoot[root] < 0)
                idOfRoot[root] = next++;
            result[d.Index] = idOfRoot[root];
        }
        return new CanonicalPartition(result.ToImmutableArray(), fromTop);
    }

    /// <summary>A search that accepts nothing, so that <see cref="PciDeviceGroup.Find"/> meets every candidate, each added to INTO.</summary>
    private readonly struct CollectAll(List<int> into) : PciDeviceGroup.ISearch
    {
        public bool Present(int dev) => true;

        public bool Accepts(int candidate)
        {
            into.Add(candidate);
            return false;
        }
    }

    private static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    }

    private static void Union(int[] parent, int a, int b)
    {
        int ra = Find(parent, a), rb = Find(parent, b);
        if (ra != rb)
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }
}
