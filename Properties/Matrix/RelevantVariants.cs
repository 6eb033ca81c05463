using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Properties.Matrix;

/// <summary>
/// Which policy variants can change anything on a machine (docs/matrix.md). A key that cannot
/// matter is left out of the default matrix: its rows would repeat the baseline.
/// </summary>
public static class RelevantVariants
{
    /// <summary>The keys of <see cref="Variants.Keys"/> that matter to M, in that order.</summary>
    public static ImmutableArray<string> Keys(Machine m) =>
        [.. Variants.Keys.Select(k => k.Key).Where(key => Matters(m, key))];

    /// <summary>Whether KEY can change the behaviour of M (the reason is in docs/matrix.md).</summary>
    public static bool Matters(Machine m, string key) => key switch
    {
        // Every machine with an IOMMU groups devices; without one the row is cheap anyway.
        "groups" => true,
        // arch_teardown_dma_ops variants exist only in the ARM32 code.
        "teardown" => m.Arch == Arch.Arm,
        // of_dma_configure derives the size from the mask only for DT devices without dma-ranges,
        // and only a 64-bit mask overflows.
        "mask" => m.Devices.Any(d => d.Firmware == Firmware.Dt && d.DmaRanges is null && d.CoherentMaskBits == 64),
        // A fallback to direct ops needs -ENOSPC (contexts) or a failed domain allocation.
        "fallback" => m.Iommus.Any(i => i.Contexts is not null)
            || m.Script.Any(a => a.Event is FailDomainAlloc or FailNextAttach),
        // fw_devlink links DT platform/amba masters to their IOMMU's device; PCI gets none.
        "fw-devlink" => m.Devices.Any(d => d.Firmware == Firmware.Dt && d.Bus != BusKind.Pci
            && d.Iommu is int i && m.Iommus[i].Device is not null),
        // rmmod of an IOMMU driver is possible only when it is a module.
        "unload" => m.Iommus.Any(i => i.Driver is int drv && !m.Drivers[drv].Arrival.Builtin),
        _ => false,
    };
}
