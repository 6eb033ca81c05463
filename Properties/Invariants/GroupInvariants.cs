using System.Collections.Immutable;
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
            var firstOfComponent = new Dictionary<int, int>();
            foreach (int dev in w.BusList)
            {
                var d = w.Devices[dev];
                int component = partition.ComponentOf[dev];
                if (!d.IsGrouped || component < 0)
                    continue;
                if (!firstOfComponent.TryGetValue(component, out int other))
                    firstOfComponent[component] = dev;
                else if (w.Devices[other].Group != d.Group)
                    return Pair(nameof(NonAcsSiblingsShareGroup), s, other, dev,
                        $"{Name(w, other)} (group {w.Devices[other].Group}) and {Name(w, dev)} (group {d.Group}) cannot be isolated from each other but are in different groups");
            }
            return null;
        });

    /// <summary>"Devices that ACS isolates do not share a group": the partition separates them, so must the groups.</summary>
    public static readonly Invariant IsolatedDevicesDoNotShareGroup = new(
        nameof(IsolatedDevicesDoNotShareGroup),
        "grouped devices that the canonical partition separates do not share a group",
        s =>
        {
            var w = s.After;
            var partition = CanonicalPartition.For(w.Machine);
            foreach (var group in w.Groups.Values)
                for (int i = 1; i < group.Members.Length; i++)
                    if (!partition.MustShare(group.Members[0], group.Members[i]))
                        return Pair(nameof(IsolatedDevicesDoNotShareGroup), s, group.Members[0], group.Members[i],
                            $"{Name(w, group.Members[0])} and {Name(w, group.Members[i])} are isolated from each other but share group {group.Id}");
            return null;
        });

    /// <summary>"A device is added to a group only by the IOMMU that translates it."</summary>
    public static readonly Invariant GroupedByOwnIommu = new(
        nameof(GroupedByOwnIommu),
        "a device is added to a group only by the registered instance its firmware names",
        s =>
        {
            var w = s.After;
            foreach (var t in w.Trace.OfType<GroupAddTrace>())
            {
                int? own = w.Machine.Devices[t.Device].Iommu;
                if (own != t.Instance)
                    return new Violation(nameof(GroupedByOwnIommu),
                        $"{Name(w, t.Device)} was added to group {t.Group} by {w.Machine.Iommus[t.Instance].Name}, but its firmware names {(own is int o ? w.Machine.Iommus[o].Name : "no IOMMU")}",
                        [Name(w, t.Device)]);
                if (!w.Instances[t.Instance].Registered)
                    return new Violation(nameof(GroupedByOwnIommu),
                        $"{Name(w, t.Device)} was added to group {t.Group} by {w.Machine.Iommus[t.Instance].Name}, which is not registered",
                        [Name(w, t.Device)]);
            }
            return null;
        });

    /// <summary>Group bookkeeping: one group per device, member lists that match, no empty live group, unique ids.</summary>
    public static readonly Invariant GroupBookkeepingConsistent = new(
        nameof(GroupBookkeepingConsistent),
        "every device is in at most one group, member lists match, no live group is empty, ids are unique",
        s =>
        {
            var w = s.After;
            var seen = new Dictionary<int, int>();
            foreach (var (id, group) in w.Groups)
            {
                if (group.Id != id)
                    return Bad($"group stored under id {id} says it is group {group.Id}");
                if (group.Members.IsEmpty)
                    return Bad($"group {id} is live but empty");
                foreach (int dev in group.Members)
                {
                    if (seen.TryGetValue(dev, out int other))
                        return Bad($"{Name(w, dev)} is a member of groups {other} and {id}", dev);
                    seen[dev] = id;
                    if (w.Devices[dev].Group != id || !w.Devices[dev].Present)
                        return Bad($"group {id} lists {Name(w, dev)}, which says it is in group {w.Devices[dev].Group}", dev);
                }
            }
            for (int dev = 0; dev < w.Devices.Length; dev++)
                if (w.Devices[dev].IsGrouped && !seen.ContainsKey(dev))
                    return Bad($"{Name(w, dev)} says it is in group {w.Devices[dev].Group}, which does not list it", dev);
            return null;

            Violation Bad(string message, params int[] devs) =>
                new(nameof(GroupBookkeepingConsistent), message, [.. devs.Select(d => Name(w, d))]);
        });

    private static Violation Pair(string property, StepView s, int a, int b, string message) =>
        new(property, message, [Name(s.After, a), Name(s.After, b)]);

    internal static string Name(World w, int dev) => w.Machine.Devices[dev].Name;
}
