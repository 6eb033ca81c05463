using Checker.Model.State;
using Checker.Model.Topology;

namespace Checker.Model.Semantics;

public static partial class Kernel
{
    /// <summary>What the firmware lookup of dma_configure concluded about a device's IOMMU.</summary>
    private enum IommuLookup { None, Defer, Registered }

    /// <summary>
    /// Mirrors dma_configure() -> of_dma_configure()/acpi_dma_configure(): look the IOMMU up through
    /// the firmware (deferring or giving up as docs/semantics.md, "Probing: really_probe()", says), group the device, compute the mask
    /// (DT), then arch_setup_dma_ops. Returns false for -EPROBE_DEFER, the only error it reports.
    /// </summary>
    private static (World World, bool Ok) DmaConfigure(World w, int dev)
    {
        var spec = w.Machine.Devices[dev];
        (w, var lookup) = IommuXlate(w, dev);
        if (lookup == IommuLookup.Defer)
            return (w, false);

        var fallback = FallbackReason.None;
        if (lookup == IommuLookup.Registered && !w.Device(dev).IsGrouped && !Vmd.IommuRefuses(w.Machine, dev))
        {
            (w, bool attached) = IommuProbeDevice(w, dev, spec.Iommu!.Value, Log.Prefix(w, dev));
            if (!attached)
                fallback = FallbackReason.ContextsExhausted;
        }
        if (spec.Firmware == Firmware.Dt)
            w = OfDmaSetMask(w, dev);

        return (ArchSetupDmaOps(w, dev, fallback), true);
    }

    /// <summary>
    /// The firmware half: of_iommu_xlate() for DT, iort_iommu_xlate() for ACPI (docs/semantics.md, "Events",
    /// really_probe step 2), plus the `defer-to-parent` variant's extra wait for the parent bridge.
    /// </summary>
    private static (World World, IommuLookup Lookup) IommuXlate(World w, int dev)
    {
        var spec = w.Machine.Devices[dev];
        if (spec.Iommu is not int inst)
            return (w, IommuLookup.None);
        if (w.Variants.Groups == GroupsVariant.DeferToParent && spec.Pci?.ParentBridge is int parent
            && w.Device(parent).Status is ProbeStatus.Unprobed or ProbeStatus.Deferred)
            return (w, IommuLookup.Defer);

        if (w.Instances[inst].Registered)
            return (WithFwspec(w, dev, ops: true), IommuLookup.Registered);
        bool defers = LookupDefers(w, dev, inst);
        if (spec.Firmware == Firmware.Dt)
        {
            // v5.3 of_iommu_xlate(): the otherwise-empty fwspec names the IOMMU the device waits
            // for and stays. v6.15 of_iommu_configure(): the fwspec is freed when the lookup fails.
            w = FreesFwspecOnFailure(w) ? WithoutFwspec(w, dev) : WithFwspec(w, dev, ops: false);
            if (defers)
                return (w, IommuLookup.Defer);
            // driver_deferred_probe_check_state(): v5.3 gives up once initcalls are done; v6.15
            // (CONFIG_MODULES) only once the deferred-probe timeout has fired (-ETIMEDOUT).
            string line = w.Variants.Era == KernelEra.V6_15
                ? "deferred probe timeout, ignoring dependency"
                : "ignoring dependency for device, assuming no driver";
            return (Log.Dev(w, dev, line, LogLevel.Info), IommuLookup.None);
        }
        return (w, defers ? IommuLookup.Defer : IommuLookup.None);
    }

    /// <summary>
    /// Whether the firmware lookup of DEV defers on INST, which is not registered. DT
    /// (driver_deferred_probe_check_state(), drivers/base/dd.c): v5.3 defers until initcalls are
    /// done; v6.15 until the deferred-probe timeout; a `defer-forever` instance always. ACPI
    /// (iort_iommu_xlate(), v5.3 and v6.15): iort_iommu_driver_enabled() tests IS_BUILTIN, so a
    /// built-in IOMMU driver means waiting with no end and a modular one -ENODEV (no IOMMU) at once.
    /// </summary>
    private static bool LookupDefers(World w, int dev, int inst)
    {
        var iommu = w.Machine.Iommus[inst];
        if (w.Machine.Devices[dev].Firmware == Firmware.Dt)
            return iommu.DeferForever || (w.Variants.Era == KernelEra.V6_15 ? !w.ProbeTimeoutDone : !w.InitcallsDone);
        return iommu.Driver is int drv && w.Machine.Drivers[drv].Arrival.Builtin;
    }

    /// <summary>
    /// v6.15's fwspec lifetime (of_iommu_configure() frees it when the lookup fails). `per-instance`
    /// takes it on 5.3 too: bus_iommu_probe() grouping is v6.15 code, written against that lifetime,
    /// and over v5.3's kept empty fwspec it would group (and give IOMMU ops to) masters bound on
    /// direct ops, which v6.15 never does.
    /// </summary>
    private static bool FreesFwspecOnFailure(World w) =>
        w.Variants.Era == KernelEra.V6_15 || w.Variants.Groups == GroupsVariant.PerInstance;

    private static World WithoutFwspec(World w, int dev) =>
        w.Device(dev).HasFwspec ? w.WithDevice(dev, w.Device(dev) with { HasFwspec = false, FwspecOps = false }) : w;

    /// <summary>
    /// iommu_fwspec_init(): the fwspec exists from now on; OPS when the instance is registered
    /// (iommu_ops_from_fwnode() found its driver's ops), and once set they stay.
    /// </summary>
    private static World WithFwspec(World w, int dev, bool ops)
    {
        var d = w.Device(dev);
        return d.HasFwspec && (d.FwspecOps || !ops) ? w : w.WithDevice(dev, d with { HasFwspec = true, FwspecOps = d.FwspecOps || ops });
    }

    /// <summary>
    /// Mirrors of_dma_configure()'s size and mask (DT devices): without dma-ranges the size comes
    /// from the coherent mask, where mask + 1 overflows to 0 for a 64-bit mask (`mask-plus-one`,
    /// the bug) unless max(mask, mask + 1) is taken (`mask-max`); the mask is then narrowed to
    /// DMA_BIT_MASK(ilog2(dma_addr + size - 1) + 1).
    /// </summary>
    private static World OfDmaSetMask(World w, int dev)
    {
        var spec = w.Machine.Devices[dev];
        var d = w.Device(dev);
        ulong dmaAddr, size;
        unchecked
        {
            if (spec.DmaRanges is { } r)
                (dmaAddr, size) = (r.Base, r.Size);
            else
            {
                dmaAddr = 0;
                ulong mask = d.CoherentMask;
                size = w.Variants.Mask == MaskVariant.MaskMax ? Math.Max(mask, mask + 1) : mask + 1;
            }
            ulong last = dmaAddr + size - 1;
            ulong narrowed = last == 0 ? 0 : DmaMask.BitMask(DmaMask.Ilog2(last) + 1);
            return w with
            {
                Trace = w.Trace.Add(new MaskTrace(dev, dmaAddr, size, d.CoherentMask & narrowed)),
                DeviceChange = (dev, d with { CoherentMask = d.CoherentMask & narrowed }),
            };
        }
    }

    /// <summary>
    /// dma_deconfigure (v4.12) / arch_teardown_dma_ops (v5.3): undoes the matching successful
    /// dma_configure. A teardown after a failed configure matches none and is not counted.
    /// </summary>
    private static World DmaDeconfigure(World w, int dev)
    {
        var d = w.Device(dev);
        bool matched = d.LiveConfigures > 0;
        w = ArchTeardownDmaOps(w, dev);
        var after = w.Device(dev);
        return w with
        {
            DeviceChange = (dev, after with { LiveConfigures = matched ? after.LiveConfigures - 1 : 0 }),
            Trace = w.Trace.Add(new DeconfigureTrace(dev, d.OpsBeforeConfigure, after.Ops, matched)),
        };
    }
}
