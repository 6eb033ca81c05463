using System.Runtime.CompilerServices;
using Checker.Model.State;
using Checker.Model.Topology;

namespace Checker.Properties.Invariants;

/// <summary>The invariants about IOMMU groups.</summary>
public static class GroupInvariants
{
    /// <summary>
    /// "Devices that cannot be isolated from each other by ACS share an IOMMU group": grouped
    /// devices the canonical partition puts together share a group.
    /// </summary>
    public static readonly Invariant NonAcsSiblingsShareGroup = new(
        nameof(NonAcsSiblingsShareGroup),
        "grouped devices that the canonical partition puts together share a group",
        s =>
        {
            var w = s.After;
            var partition = CanonicalPartition.For(w.Machine);
            if (!AnySplit(w, partition))
                return null;
            // Per component, the first device met in each distinct group: every two of them are a split.
            var groupsOfComponent = new SortedDictionary<int, List<int>>();
            foreach (int dev in w.BusList)
            {
                var d = w.Device(dev);
                int component = partition.ComponentOf[dev];
                if (!d.IsGrouped || component < 0)
                    continue;
                if (!groupsOfComponent.TryGetValue(component, out var firsts))
                    groupsOfComponent[component] = firsts = [];
                if (firsts.All(f => w.Device(f).Group != d.Group))
                    firsts.Add(dev);
            }
            var findings = new List<Finding>();
            foreach (var firsts in groupsOfComponent.Values)
                for (int i = 0; i < firsts.Count; i++)
                    for (int j = i + 1; j < firsts.Count; j++)
                        findings.Add(Pair(w, firsts[i], firsts[j],
                            $"{Name(w, firsts[i])} (group {w.Device(firsts[i]).Group}) and {Name(w, firsts[j])} (group {w.Device(firsts[j]).Group}) cannot be isolated from each other but are in different groups"));
            return Violation.Of(nameof(NonAcsSiblingsShareGroup), findings);
        })
    {
        Reuse = new((_, _) => true, (a, b) => a.Group == b.Group, d => d.IsGrouped),
    };

    /// <summary>"Devices that ACS isolates do not share a group": the partition separates them, so must the groups.</summary>
    public static readonly Invariant IsolatedDevicesDoNotShareGroup = new(
        nameof(IsolatedDevicesDoNotShareGroup),
        "grouped devices that the canonical partition separates do not share a group",
        s =>
        {
            var w = s.After;
            var partition = CanonicalPartition.For(w.Machine);
            var findings = new List<Finding>();
            foreach (var group in w.Groups.Values)
                for (int i = 0; i < group.Members.Length; i++)
                    for (int j = i + 1; j < group.Members.Length; j++)
                        if (!partition.MustShare(group.Members[i], group.Members[j]))
                            findings.Add(Pair(w, group.Members[i], group.Members[j],
                                $"{Name(w, group.Members[i])} and {Name(w, group.Members[j])} are isolated from each other but share group {group.Id}"));
            return Violation.Of(nameof(IsolatedDevicesDoNotShareGroup), findings);
        })
    {
        Reuse = new((a, b) => ReferenceEquals(a.Groups, b.Groups), (_, _) => true, null),
    };

    /// <summary>"A device is added to a group only by the IOMMU that translates it."</summary>
    public static readonly Invariant GroupedByOwnIommu = new(
        nameof(GroupedByOwnIommu),
        "a device is added to a group only by the registered instance its firmware names",
        s =>
        {
            var w = s.After;
            var findings = new List<Finding>();
            foreach (var t in w.Trace.OfType<GroupAddTrace>())
            {
                int? own = w.Machine.Devices[t.Device].Iommu;
                if (own != t.Instance)
                    findings.Add(new Finding(
                        $"{Name(w, t.Device)} was added to group {t.Group} by {w.Machine.Iommus[t.Instance].Name}, but its firmware names {(own is int o ? w.Machine.Iommus[o].Name : "no IOMMU")}",
                        [Name(w, t.Device)]));
                else if (!w.Instances[t.Instance].Registered)
                    findings.Add(new Finding(
                        $"{Name(w, t.Device)} was added to group {t.Group} by {w.Machine.Iommus[t.Instance].Name}, which is not registered",
                        [Name(w, t.Device)]));
            }
            return Violation.Of(nameof(GroupedByOwnIommu), findings);
        });

    /// <summary>Group bookkeeping: one group per device, member lists that match, no empty live group, unique ids.</summary>
    public static readonly Invariant GroupBookkeepingConsistent = new(
        nameof(GroupBookkeepingConsistent),
        "every device is in at most one group, member lists match, no live group is empty, ids are unique",
        s =>
        {
            var w = s.After;
            var findings = new List<Finding>();
            var seen = new Dictionary<int, int>();
            foreach (var (id, group) in w.Groups)
            {
                if (group.Id != id)
                    Bad($"group stored under id {id} says it is group {group.Id}");
                if (group.Members.IsEmpty)
                    Bad($"group {id} is live but empty");
                foreach (int dev in group.Members)
                {
                    if (seen.TryGetValue(dev, out int other))
                        Bad($"{Name(w, dev)} is a member of groups {other} and {id}", dev);
                    seen[dev] = id;
                    if (w.Device(dev).Group != id || !w.Device(dev).Present)
                        Bad($"group {id} lists {Name(w, dev)}, which says it is in group {w.Device(dev).Group}", dev);
                }
            }
            for (int dev = 0; dev < w.DeviceCount; dev++)
                if (w.Device(dev).IsGrouped && !seen.ContainsKey(dev))
                    Bad($"{Name(w, dev)} says it is in group {w.Device(dev).Group}, which does not list it", dev);
            return Violation.Of(nameof(GroupBookkeepingConsistent), findings);

            void Bad(string message, params int[] devs) =>
                findings.Add(new Finding(message, [.. devs.Select(d => Name(w, d))]));
        })
    {
        // A device in no group, before and after, adds nothing whether present or not: the group
        // loop's test of a listed member fails on the group alone (no group has id NoGroup), and
        // the device loop skips it.
        Reuse = new((a, b) => ReferenceEquals(a.Groups, b.Groups) && !b.Groups.ContainsKey(DeviceState.NoGroup),
            (a, b) => a.Group == b.Group && (a.Present == b.Present || !a.IsGrouped), null),
    };

    /// <summary>
    /// Whether two grouped devices on W's bus list that PARTITION puts in one component are in
    /// different groups: what <see cref="NonAcsSiblingsShareGroup"/> reports, found without
    /// building the findings (most states of an exploration have none).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AnySplit(World w, CanonicalPartition partition)
    {
        var bus = w.BusList.AsSpan();
        for (int i = 0; i < bus.Length; i++)
        {
            int component = partition.ComponentOf[bus[i]];
            var d = w.Device(bus[i]);
            if (component < 0 || !d.IsGrouped)
                continue;
            for (int j = 0; j < i; j++)
                if (partition.ComponentOf[bus[j]] == component && w.Device(bus[j]) is { IsGrouped: true } other && other.Group != d.Group)
                    return true;
        }
        return false;
    }

    private static Finding Pair(World w, int a, int b, string message) => new(message, [Name(w, a), Name(w, b)]);

    internal static string Name(World w, int dev) => w.Machine.Devices[dev].Name;
}
