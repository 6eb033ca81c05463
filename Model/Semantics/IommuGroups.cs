using Checker.Model.Events;
using Checker.Model.State;
using Checker.Model.Topology;

namespace Checker.Model.Semantics;

public static partial class Kernel
{
    /// <summary>
    /// Mirrors iommu_probe_device() -> iommu_group_get_for_dev() -> iommu_group_add_device(): find
    /// or allocate the group (pci_device_group / generic_device_group), then attach the group's
    /// default domain. On -ENOSPC the device is taken out again and a group it created is freed.
    /// Returns whether the device ended up grouped.
    /// </summary>
    private static (World World, bool Grouped) IommuProbeDevice(World w, int dev, int inst, string prefix)
    {
        var existing = FindGroup(w, dev);
        var group = existing ?? NewGroup(ref w, inst);
        var instance = w.Instances[inst];
        var instances = w.Instances;
        bool holdsContext = group.HoldsContext;
        if (group.HasDomain && (!group.HoldsContext || w.Device(dev).PendingAttachFailure))
        {
            bool noContext = !group.HoldsContext && w.Machine.Iommus[inst].Contexts is int limit && instance.DomainsInUse >= limit;
            if (w.Device(dev).PendingAttachFailure || noContext)
            {
                // v6.15 __iommu_probe_device(): the failed attach goes to err_remove_gdev, whose
                // iommu_deinit_device() calls dev_iommu_free(), and the fwspec goes with dev->iommu
                // (drivers/iommu/iommu.c v6.15); v5.3's arm_smmu_add_device() failure keeps it.
                w = w.WithDevice(dev, w.Device(dev) with
                {
                    PendingAttachFailure = false,
                    HasFwspec = w.Device(dev).HasFwspec && !FreesFwspecOnFailure(w),
                    FwspecOps = w.Device(dev).FwspecOps && !FreesFwspecOnFailure(w),
                });
                w = Log.DevWithPrefix(w, prefix, dev, w.Quiet ? "" : $"Failed to add to iommu group {group.Id}: {Errno.ENOSPC}");
                return (w, false);
            }
            instances = instances.SetItem(inst, instance with { DomainsInUse = instance.DomainsInUse + 1 });
            holdsContext = true;
        }
        group = group with { HoldsContext = holdsContext, Members = group.Members.Add(dev) };
        var (clock, log) = Log.DevWithPrefixAppended(w, prefix, dev, w.Quiet ? "" : $"Adding to iommu group {group.Id}");
        // The smallest free id after: the same when the group was there, else the next one not taken.
        int free = w.SmallestFreeGroupId();
        var groups = w.Groups.SetItem(group.Id, group);
        w = w with
        {
            Instances = instances,
            Groups = groups,
            FreeGroupIdHint = (groups, existing is null ? World.FreeGroupIdFrom(groups, free) : free),
            DeviceChange = (dev, w.Device(dev) with { Group = group.Id }),
            Trace = w.Trace.Add(new GroupAddTrace(dev, group.Id, inst)),
            Clock = clock,
            Log = log,
        };
        return (w, true);
    }

    /// <summary>pci_device_group(): the first group its search meets; platform and AMBA devices never share.</summary>
    private static IommuGroup? FindGroup(World w, int dev)
    {
        if (w.Machine.Devices[dev].Pci is null)
            return null;
        bool walkDown = w.Variants.Groups == GroupsVariant.WalkDown;
        // The walk up depends on the machine only (MachineIndex has it); then the rest of the search.
        var walked = w.Machine.Index.PciWalk[dev];
        foreach (int c in walked)
            if (c != dev && w.Device(c).IsGrouped)
                return w.Groups[w.Device(c).Group];
        var search = new GroupedCandidate(w, dev);
        int found = PciDeviceGroup.Find(w.Machine, walked[^1], walkDown, ref search);
        return found >= 0 ? w.Groups[w.Device(found).Group] : null;
    }

    /// <summary>The rest of pci_device_group()'s search: over present devices, for one other than DEV that has a group.</summary>
    private readonly struct GroupedCandidate(World w, int dev) : PciDeviceGroup.ISearch
    {
        public bool Present(int d) => w.Device(d).Present;

        public bool Accepts(int candidate) => candidate != dev && w.Device(candidate).IsGrouped;
    }

    /// <summary>
    /// iommu_group_alloc() with the smallest free id (ida), and its default domain unless a
    /// `fail-domain-alloc` is pending for the instance. The group is stored only once it has a member.
    /// </summary>
    private static IommuGroup NewGroup(ref World w, int inst)
    {
        int id = w.SmallestFreeGroupId();
        var instance = w.Instances[inst];
        bool domain = !instance.PendingDomainAllocFailure;
        if (!domain)
            w = w.WithInstance(inst, instance with { PendingDomainAllocFailure = false });
        return new IommuGroup(id, [], inst, instance.Generation, domain, HoldsContext: false);
    }

    /// <summary>
    /// Mirrors BUS_NOTIFY_REMOVED_DEVICE -> ops->remove_device() -> iommu_group_remove_device():
    /// the device leaves its group; an empty group is freed, with its context, and its id returns
    /// to the allocator. The callback belongs to the IOMMU driver: once its instance is
    /// unregistered (rmmod under `unload=unguarded`) nobody takes the device out of its group.
    /// </summary>
    private static World IommuGroupRemoveDevice(World w, int dev)
    {
        int id = w.Device(dev).Group;
        if (id == DeviceState.NoGroup)
            return w;
        if (!w.Instances[w.Groups[id].Instance].Registered)
            return Log.Checker(w, w.Quiet ? "" : $"{w.Machine.Devices[dev].Name} removed while {w.Machine.Iommus[w.Groups[id].Instance].Name} is unregistered: no remove_device callback, group {id} keeps it");
        w = Log.Dev(w, dev, w.Quiet ? "" : $"Removing from iommu group {id}");
        var group = w.Groups[id];
        var members = group.Members.Remove(dev);
        var ungrouped = (dev, w.Device(dev) with { Group = DeviceState.NoGroup });
        if (!members.IsEmpty)
            return w with { DeviceChange = ungrouped, Groups = w.Groups.SetItem(id, group with { Members = members }) };
        if (group.HoldsContext)
            w = w.WithInstance(group.Instance, w.Instances[group.Instance] with { DomainsInUse = w.Instances[group.Instance].DomainsInUse - 1 });
        return w with { DeviceChange = ungrouped, Groups = w.Groups.Remove(id) };
    }
}
