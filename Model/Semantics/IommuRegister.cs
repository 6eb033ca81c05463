using Checker.Model.State;
using Checker.Model.Topology;

namespace Checker.Model.Semantics;

public static partial class Kernel
{
    /// <summary>
    /// Mirrors iommu_device_register() + bus_set_iommu() when an IOMMU driver binds its instance's
    /// device. In the baseline the bus walk finds no fwspec and groups nothing; the variants that
    /// change this (`bus-replay`, `per-instance`) and ARM32 drivers that attach their masters to a
    /// shared mapping (ipmmu-vmsa) act here.
    /// </summary>
    private static World IommuDeviceRegister(World w, int inst)
    {
        var state = w.Instances[inst];
        w = w.WithInstance(inst, state with { Registered = true, Generation = state.Generation + 1 });
        var spec = w.Machine.Iommus[inst];
        if (spec.Driver is int drv && w.Machine.Drivers[drv].ArmIommuAttach)
        {
            (w, int mapping) = NewMapping(w);
            w = w.WithInstance(inst, w.Instances[inst] with { SharedMapping = mapping });
            foreach (int dev in w.BusList.ToList())
                if (w.Machine.Devices[dev].Iommu == inst && !w.Device(dev).IsGrouped)
                    w = ArmIommuAttachDevice(w, dev, inst);
        }
        return w.Variants.Groups switch
        {
            GroupsVariant.PerInstance => BusIommuProbe(w, inst),
            GroupsVariant.BusReplay => IommuBusReplay(w, inst),
            _ => w,
        };
    }

    /// <summary>iommu_device_unregister(): the instance is gone; its groups, mappings and masters' ops stay behind.</summary>
    private static World IommuDeviceUnregister(World w, int inst)
    {
        var state = w.Instances[inst];
        if (state.SharedMapping >= 0)
            w = ReleaseMapping(w, state.SharedMapping);
        return w.WithInstance(inst, state with { Registered = false, Unregistrations = state.Unregistrations + 1, SharedMapping = -1 });
    }

    /// <summary>
    /// The IOMMU bus notifier at device_add: x86 and `per-instance` group a device its registered
    /// instance translates right away (bus-name prefix); an ARM32 shared-mapping driver attaches it.
    /// A function the IOMMU driver refuses (a VMD domain's, 5.3 rules: <see cref="Vmd.IommuRefuses"/>)
    /// gets -ENODEV from add_device, which the notifier does not print.
    /// </summary>
    private static World IommuBusNotifierAdd(World w, int dev)
    {
        if (w.Machine.Devices[dev].Iommu is not int inst || !w.Instances[inst].Registered || Vmd.IommuRefuses(w.Machine, dev))
            return w;
        if (w.Machine.Iommus[inst].Driver is int drv && w.Machine.Drivers[drv].ArmIommuAttach)
            return ArmIommuAttachDevice(w, dev, inst);
        if (w.Machine.Arch == Arch.X86 || w.Variants.Groups == GroupsVariant.PerInstance)
            return IommuProbeDevice(WithFwspec(w, dev, ops: true), dev, inst, w.Machine.Devices[dev].Bus.BusName()).World;
        return w;
    }

    /// <summary>
    /// ipmmu-vmsa's add_device on ARM32: group the master, then arm_iommu_attach_device() sets its
    /// dma_ops to the instance's shared mapping directly, before its own driver probes.
    /// </summary>
    private static World ArmIommuAttachDevice(World w, int dev, int inst)
    {
        (w, bool grouped) = IommuProbeDevice(WithFwspec(w, dev, ops: true), dev, inst, Log.Prefix(w, dev));
        if (!grouped)
            return w;
        var state = w.Instances[inst];
        var ops = new DmaOps(DmaOpsKind.ThirdParty, w.Machine.Iommus[inst].Driver!.Value, state.SharedMapping, inst, state.Generation);
        return w.WithDevice(dev, w.Device(dev) with { Ops = ops, ArchSetOps = false });
    }

    /// <summary>
    /// `per-instance` (v6.15 bus_iommu_probe()): every present device the instance translates is
    /// grouped, bus by bus (platform, pci, amba), in bus-list order. A bound device without a
    /// fwspec is skipped; a bound one with a fwspec gets IOMMU ops under its running driver.
    /// </summary>
    private static World BusIommuProbe(World w, int inst)
    {
        foreach (var bus in new[] { BusKind.Platform, BusKind.Pci, BusKind.Amba })
            foreach (int dev in w.BusList.Where(d => w.Machine.Devices[d].Bus == bus).ToList())
            {
                var d = w.Device(dev);
                if (w.Machine.Devices[dev].Iommu != inst || d.IsGrouped || (d.IsBound && !d.HasFwspec) || Vmd.IommuRefuses(w.Machine, dev))
                    continue;
                (w, bool grouped) = IommuProbeDevice(WithFwspec(w, dev, ops: true), dev, inst, bus.BusName());
                if (grouped && d.IsBound)
                    w = ReplayDmaOpsOnBoundDevice(w, dev);
            }
        return w;
    }

    /// <summary>iommu_setup_dma_ops() from the probe path on an already-bound device: a second, unbalanced configure.</summary>
    private static World ReplayDmaOpsOnBoundDevice(World w, int dev)
    {
        return ArchSetupDmaOps(w, dev, FallbackReason.None);
    }

    /// <summary>
    /// `bus-replay` (the 2020 "super-hack"): every device on the buses (pci, amba, platform) without
    /// a group is offered to the instance that just registered, through its add_device callback.
    /// As arm_smmu_add_device() (v5.3) does, the callback refuses (-ENODEV) a device whose fwspec
    /// is missing, carries no ops or another driver's ops (`fwspec->ops != &arm_smmu_ops`), or
    /// names another instance (arm_smmu_get_by_fwnode()).
    /// </summary>
    private static World IommuBusReplay(World w, int inst)
    {
        foreach (var bus in new[] { BusKind.Pci, BusKind.Amba, BusKind.Platform })
            foreach (int dev in w.BusList.Where(d => w.Machine.Devices[d].Bus == bus).ToList())
                if (!w.Device(dev).IsGrouped && AddDeviceAccepts(w, dev, inst) && !Vmd.IommuRefuses(w.Machine, dev))
                    w = IommuProbeDevice(w, dev, inst, Log.Prefix(w, dev)).World;
        return w;
    }

    /// <summary>arm_smmu_add_device()'s checks: a fwspec with this driver's ops that names this instance.</summary>
    private static bool AddDeviceAccepts(World w, int dev, int inst)
    {
        var d = w.Device(dev);
        return d.HasFwspec && d.FwspecOps && w.Machine.Devices[dev].Iommu == inst;
    }
}
