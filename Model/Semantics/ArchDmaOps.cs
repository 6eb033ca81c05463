using Checker.Model.State;
using Checker.Model.Topology;

namespace Checker.Model.Semantics;

public static partial class Kernel
{
    /// <summary>
    /// Mirrors arch_setup_dma_ops(). arm64/x86 (v5.3): the coherent attribute from firmware, IOMMU
    /// ops when the device's group has a domain, else direct ops (with the "retaining platform DMA
    /// ops" warning when the group has none). arm (v4.12): returns at once if the device already
    /// has ops, else a new per-device mapping behind a registered IOMMU, or direct ops.
    /// A fallback to direct ops takes the bus default, non-coherent, under `fallback=default-ops`.
    /// Also records the successful configure its callers make (LiveConfigures, ConfiguredOps,
    /// OpsBeforeConfigure), in the same change to the device.
    /// </summary>
    private static World ArchSetupDmaOps(World w, int dev, FallbackReason fallback)
    {
        var spec = w.Machine.Devices[dev];
        var d = w.Device(dev);
        if (w.Machine.Arch == Arch.Arm && d.Ops.IsSet)
            return w.WithDevice(dev, d with { LiveConfigures = d.LiveConfigures + 1, ConfiguredOps = d.Ops, OpsBeforeConfigure = d.Ops });
        DmaOps ops;
        if (Vmd.IommuRefuses(w.Machine, dev))
            (ops, fallback) = VmdDmaOps(w, dev);
        else
        {
            var group = d.IsGrouped ? w.Groups[d.Group] : null;
            if (group is { HasDomain: false })
            {
                fallback = FallbackReason.NoDomain;
                w = Log.Line(w, LogLevel.Info, w.Quiet ? "" : $"Failed to set up IOMMU for device {spec.Name}; retaining platform DMA ops");
            }
            if (group is { HasDomain: true } && w.Instances[group.Instance].Registered)
            {
                int mapping = -1;
                if (w.Machine.Arch == Arch.Arm)
                    (w, mapping) = NewMapping(w);
                ops = new DmaOps(DmaOpsKind.Iommu, DmaOps.ArchOwner, mapping, group.Instance, w.Instances[group.Instance].Generation);
            }
            else
                // arm64/x86 v5.3: no IOMMU ops leaves dev->dma_ops NULL, which is dma-direct.
                ops = w.Machine.Arch == Arch.Arm ? DmaOps.Direct(DmaOps.ArchOwner) : DmaOps.Null;
        }

        bool coherent = spec.Coherent;
        var trace = w.Trace;
        if (fallback != FallbackReason.None)
        {
            if (w.Variants.Fallback == FallbackVariant.DefaultOps)
                coherent = false;
            trace = trace.Add(new FallbackTrace(dev, spec.Coherent, coherent, fallback));
        }
        var now = w.Device(dev);
        return w with
        {
            Trace = trace,
            DeviceChange = (dev, now with
            {
                Ops = ops, ArchSetOps = true, Coherent = coherent, Fallback = fallback,
                LiveConfigures = now.LiveConfigures + 1, ConfiguredOps = ops, OpsBeforeConfigure = d.Ops,
            }),
        };
    }

    /// <summary>
    /// 5.3 rules, a function of a VMD domain (which no group holds, <see cref="Vmd.IommuRefuses"/>):
    /// pcibios_add_device() gave it the VMD domain's dma_map_ops (X86_DEV_DMA_OPS), each of which
    /// calls the VMD endpoint's ops on the endpoint (vmd_setup_dma_ops(), vmd_dma_ops(),
    /// drivers/pci/controller/vmd.c, v5.3; removed in v5.6). Its DMA is therefore mapped in the
    /// endpoint's domain: IOMMU ops when the endpoint's group has a domain, else the direct ops the
    /// endpoint falls back to, for the endpoint's reason.
    /// </summary>
    private static (DmaOps Ops, FallbackReason Fallback) VmdDmaOps(World w, int dev)
    {
        var endpoint = w.Device(Vmd.RealDmaDev(w.Machine, dev)!.Value);
        var group = endpoint.IsGrouped ? w.Groups[endpoint.Group] : null;
        if (group is { HasDomain: true } && w.Instances[group.Instance].Registered)
            return (new DmaOps(DmaOpsKind.Iommu, DmaOps.ArchOwner, -1, group.Instance, w.Instances[group.Instance].Generation), FallbackReason.None);
        return (DmaOps.Null, group is null ? FallbackReason.ContextsExhausted : FallbackReason.NoDomain);
    }

    /// <summary>
    /// Mirrors arch_teardown_dma_ops(). arm64/x86 (v5.3): dma_ops = NULL. arm, by the `teardown`
    /// variant: `keep` releases an arch-made mapping and leaves the ops set (stale after a
    /// deferral); `clear-always` also clears the ops whoever set them; `clear-owned` acts only on
    /// ops the arch set (dev->archdata.dma_ops_setup).
    /// </summary>
    private static World ArchTeardownDmaOps(World w, int dev)
    {
        var d = w.Device(dev);
        if (w.Machine.Arch != Arch.Arm)
            return w.WithDevice(dev, d with { Ops = DmaOps.Null, ArchSetOps = false, Fallback = FallbackReason.None });
        bool archMapping = d.Ops.Owner == DmaOps.ArchOwner && d.Ops.Mapping >= 0;
        switch (w.Variants.Teardown)
        {
            case TeardownVariant.Keep:
                return archMapping ? ReleaseMapping(w, d.Ops.Mapping) : w;
            case TeardownVariant.ClearAlways:
                if (archMapping)
                    w = ReleaseMapping(w, d.Ops.Mapping);
                return w.WithDevice(dev, w.Device(dev) with { Ops = DmaOps.None, ArchSetOps = false });
            default:
                if (!d.ArchSetOps)
                    return w;
                if (archMapping)
                    w = ReleaseMapping(w, d.Ops.Mapping);
                return w.WithDevice(dev, w.Device(dev) with { Ops = DmaOps.None, ArchSetOps = false });
        }
    }

    /// <summary>arm_iommu_create_mapping(): a new live mapping.</summary>
    private static (World World, int Mapping) NewMapping(World w)
    {
        int id = w.NextMapping;
        return (w with { NextMapping = id + 1, LiveMappings = w.LiveMappings.Add(id) }, id);
    }

    /// <summary>arm_iommu_release_mapping(): the mapping is gone; ops still pointing at it are stale.</summary>
    private static World ReleaseMapping(World w, int mapping) => w with { LiveMappings = w.LiveMappings.Remove(mapping) };
}
