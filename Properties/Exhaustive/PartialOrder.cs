using Checker.Model.Events;
using Checker.Model.State;
using Checker.Properties.Generation;

namespace Checker.Properties.Exhaustive;

/// <summary>
/// The partial-order reduction of `explore --por` (BFS only; docs/explore.md): within a run of
/// consecutive fault injections, which each write one pending flag and commute with each other,
/// only increasing <see cref="Key"/>s are tried. A state's bound is one past the key of the
/// injection that led to it, 0 after any other event.
/// </summary>
public static class PartialOrder
{
    /// <summary>The fixed order of the injections (one key per pending flag and errno), -1 for any other event.</summary>
    public static int Key(Machine m, Event e) => e switch
    {
        FailNextProbe f => f.Device * 5 + Math.Max(0, EventGen.ProbeErrnos.IndexOf(f.Errno)),
        FailNextAttach f => f.Device * 5 + 3,
        FailDomainAlloc f => m.Devices.Length * 5 + f.Iommu,
        _ => -1,
    };

    /// <summary>The bound of the state E leads to.</summary>
    public static int BoundAfter(Machine m, Event e) => Key(m, e) + 1;

    /// <summary>
    /// The persistent set of a boot state (docs/explore.md, "Partial-order reduction of the
    /// boot"): before late_initcall, with <see cref="ExploreOptions.Clusters"/>, when every
    /// candidate is a device add or a built-in's registration. Each such event touches the
    /// clusters of its devices (an add: its device's; a registration: those of the devices the
    /// driver matches); starting from each candidate in turn, the clusters of every boot event
    /// still to come that shares a cluster with the set are joined to it until nothing more
    /// joins; the candidates touching those clusters are the set. Of the sets that hold the
    /// cluster of the device added last (the bus list's last entry: the cluster the path is
    /// working in), the smallest wins; if none does, the smallest of all (the first in
    /// EventGen's order among equals). Every such set is persistent, so the choice changes only
    /// which interleaving stands for the others: this one does not make a violation that one
    /// cluster's events build in a row wait behind another cluster's events. Leaves CANDIDATES
    /// whole otherwise.
    /// </summary>
    public static void BootAmple(World w, List<(EventKind Kind, Event Event)> candidates)
    {
        if (w.DeferredProbeEnabled || candidates.Count < 2)
            return;
        var m = w.Machine;
        if (Reduction.Of(m) is not { DeferralsEndAtLateInitcall: true, Clusters: <= 64 } r)
            return;
        foreach (var (kind, _) in candidates)
            if (kind is not (EventKind.Add or EventKind.Register))
                return;
        // The boot events still to come: every boot device not added yet, every built-in not registered.
        Span<ulong> remaining = m.Devices.Length + m.Drivers.Length <= 256
            ? stackalloc ulong[m.Devices.Length + m.Drivers.Length] : new ulong[m.Devices.Length + m.Drivers.Length];
        int n = 0;
        foreach (var d in m.Devices)
            if (d.PresentAtBoot && !w.Device(d.Index).EverAdded)
                remaining[n++] = 1UL << r.ClusterIndex[d.Index];
        foreach (var drv in m.Drivers)
            if (drv.Arrival.Builtin && !w.DriverRegistered[drv.Index])
                remaining[n++] = Touches(r, drv.Index);
        remaining = remaining[..n];
        // The cluster of the device added last, if the boot has added one.
        ulong current = w.BusList.Count > 0 ? 1UL << r.ClusterIndex[w.BusList[^1]] : 0;
        int bestSeed = -1;
        ulong best = 0;
        int bestCount = int.MaxValue;
        bool bestCurrent = false;
        for (int seed = 0; seed < candidates.Count; seed++)
        {
            ulong set = Touches(m, r, candidates[seed].Event);
            for (bool grew = true; grew; )
            {
                grew = false;
                foreach (ulong t in remaining)
                    if ((t & set) != 0 && (t & ~set) != 0)
                    {
                        set |= t;
                        grew = true;
                    }
            }
            int count = 0;
            for (int i = 0; i < candidates.Count; i++)
                if (i == seed || (Touches(m, r, candidates[i].Event) & set) != 0)
                    count++;
            bool holdsCurrent = (set & current) != 0;
            if ((holdsCurrent && !bestCurrent) || (holdsCurrent == bestCurrent && count < bestCount))
                (bestSeed, best, bestCount, bestCurrent) = (seed, set, count, holdsCurrent);
        }
        if (bestCount >= candidates.Count)
            return;
        int kept = 0;
        for (int i = 0; i < candidates.Count; i++)
            if (i == bestSeed || (Touches(m, r, candidates[i].Event) & best) != 0)
                candidates[kept++] = candidates[i];
        candidates.RemoveRange(kept, candidates.Count - kept);
    }

    /// <summary>The clusters (as a mask of cluster indices) a boot event touches.</summary>
    private static ulong Touches(Machine m, Reduction.Relations r, Event e) => e switch
    {
        AddDevice a => 1UL << r.ClusterIndex[a.Device],
        RegisterDriver g => Touches(r, g.Driver),
        _ => ulong.MaxValue,
    };

    private static ulong Touches(Reduction.Relations r, int driver)
    {
        ulong clusters = 0;
        for (ulong s = r.DriverDevices[driver]; s != 0; s &= s - 1)
            clusters |= 1UL << r.ClusterIndex[System.Numerics.BitOperations.TrailingZeroCount(s)];
        return clusters;
    }

    /// <summary>Whether E may be taken from a state with BOUND.</summary>
    public static bool Allowed(Machine m, Event e, int bound) => bound == 0 || Key(m, e) is var k && (k < 0 || k >= bound);
}
