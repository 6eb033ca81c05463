using Checker.Model.State;

namespace Checker.Model.Semantics;

/// <summary>What a device that cannot probe yet is waiting for: a device-link supplier, or an IOMMU instance.</summary>
public readonly record struct Wait(int? Supplier, int? Instance)
{
    public static readonly Wait Nothing = new(null, null);
    public bool Waiting => Supplier is not null || Instance is not null;
}

public static partial class Kernel
{
    /// <summary>
    /// The suppliers of DEV's managed device links (drivers/base/core.c), in a fixed order:
    /// `groups=parent-link` links a PCI device to its parent bridge; fw_devlink links a DT
    /// platform/amba master to its IOMMU's device, in 5.3 under `on` and `strict` (the 2019
    /// of_devlink series), in 6.15 only under `strict` (the `iommus` binding is optional:
    /// of_link_property() in drivers/of/property.c, fw_devlink_is_strict() in core.c), and in 6.15
    /// not once the deferred-probe timeout relaxed them (fw_devlink_drivers_done()).
    /// </summary>
    public static IEnumerable<int> LinkSuppliers(World w, int dev)
    {
        var spec = w.Machine.Devices[dev];
        if (w.Variants.Groups == GroupsVariant.ParentLink && spec.Pci?.ParentBridge is int parent)
            yield return parent;
        if (FwDevlinkLinksIommus(w) && spec.Bus != BusKind.Pci && spec.Firmware == Firmware.Dt
            && spec.Iommu is int inst && w.Machine.Iommus[inst].Device is int supplier)
            yield return supplier;
    }

    /// <summary>Whether fw_devlink makes managed links for `iommus` now (see <see cref="LinkSuppliers"/>).</summary>
    private static bool FwDevlinkLinksIommus(World w) => w.Variants.Era == KernelEra.V6_15
        ? w.Variants.FwDevlink == FwDevlinkVariant.Strict && !w.ProbeTimeoutDone
        : w.Variants.FwDevlink is FwDevlinkVariant.On or FwDevlinkVariant.Strict;

    /// <summary>The consumers of SUPPLIER's managed links, in device order.</summary>
    public static IEnumerable<int> LinkConsumers(World w, int supplier)
    {
        if (w.Variants.Groups != GroupsVariant.ParentLink && !FwDevlinkLinksIommus(w))
            yield break;
        var devices = w.Machine.Devices;
        for (int c = 0; c < devices.Length; c++)
            if (c != supplier && w.Device(c).Present && LinkSuppliers(w, c).Contains(supplier))
                yield return c;
    }

    /// <summary>
    /// device_links_check_suppliers(): the first supplier of a managed link that is not bound,
    /// if any; the consumer's probe then returns -EPROBE_DEFER.
    /// </summary>
    private static int? SupplierNotReady(World w, int dev)
    {
        foreach (int supplier in LinkSuppliers(w, dev))
            if (!w.Device(supplier).IsBound)
                return supplier;
        return null;
    }

    /// <summary>
    /// device_links_driver_bound(): SUPPLIER is bound; the consumers of its
    /// DL_FLAG_AUTOPROBE_CONSUMER links that are not bound are put on the deferred pending list
    /// (driver_deferred_probe_add()), so the trigger that follows probes them. A consumer a user
    /// unbound stays unbound.
    /// </summary>
    private static World DeviceLinksDriverBound(World w, int supplier)
    {
        foreach (int c in LinkConsumers(w, supplier).ToList())
        {
            var d = w.Device(c);
            if (!d.IsBound && !d.Detached && d.Status != ProbeStatus.Failed && !w.DeferredPending.Contains(c))
                w = w with { DeferredPending = w.DeferredPending.Add(c) };
        }
        return w;
    }

    /// <summary>
    /// device_links_unbind_consumers(): before SUPPLIER's driver is released, every bound consumer
    /// of its managed links is unbound (device_release_driver_internal()); their links go back to
    /// waiting, and DL_FLAG_AUTOPROBE_CONSUMER probes them again when the supplier binds again.
    /// </summary>
    private static World DeviceLinksUnbindConsumers(World w, int supplier)
    {
        foreach (int c in LinkConsumers(w, supplier).ToList())
            if (w.Device(c).IsBound)
                w = DeviceReleaseDriver(w, c);
        return w;
    }

    /// <summary>
    /// What DEV would wait for if it probed now: a managed-link supplier that is not bound, its
    /// parent bridge under `defer-to-parent`, or an IOMMU instance the firmware lookup defers on.
    /// </summary>
    public static Wait WaitingFor(World w, int dev)
    {
        if (SupplierNotReady(w, dev) is int supplier)
            return new Wait(supplier, null);
        var spec = w.Machine.Devices[dev];
        if (w.Variants.Groups == GroupsVariant.DeferToParent && spec.Pci?.ParentBridge is int parent
            && w.Device(parent).Status is ProbeStatus.Unprobed or ProbeStatus.Deferred)
            return new Wait(parent, null);
        if (spec.Iommu is int inst && !w.Instances[inst].Registered && LookupDefers(w, dev, inst))
            return new Wait(null, inst);
        return Wait.Nothing;
    }
}
