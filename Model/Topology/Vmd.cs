using Checker.Model.State;

namespace Checker.Model.Topology;

/// <summary>
/// The functions of a VMD controller's PCI domain (docs/semantics.md, "VMD"): their DMA reaches the
/// IOMMU with the VMD endpoint's requester ID, and each era's IOMMU code treats them differently.
/// </summary>
public static class Vmd
{
    /// <summary>
    /// Mirrors pci_real_dma_dev() (drivers/pci/pci.c, the x86 override in arch/x86/pci/common.c,
    /// v5.6 on): the VMD endpoint for a function of a VMD domain (`is_vmd(dev->bus)`), null where
    /// it returns DEV itself.
    /// </summary>
    public static int? RealDmaDev(Machine m, int dev) => m.Index.RealDmaDev[dev];

    /// <summary>
    /// Whether the IOMMU driver refuses DEV, which then joins no group. 5.3 rules: device_to_iommu()
    /// returns NULL for a function of a VMD domain ("VMD child devices currently cannot be handled
    /// individually", drivers/iommu/intel-iommu.c, v5.3; removed in v5.6), so intel_iommu_add_device()
    /// returns -ENODEV. 6.15 rules: device_lookup_iommu() looks the unit up through
    /// pci_real_dma_dev() (drivers/iommu/intel/iommu.c, v6.15) and the function is grouped.
    /// </summary>
    public static bool IommuRefuses(Machine m, int dev) => m.Variants.Era == KernelEra.V5_3 && RealDmaDev(m, dev) is not null;

    /// <summary>
    /// Where pci_for_each_dma_alias() starts for DEV: at pci_real_dma_dev(DEV) from v5.6 on ("The
    /// device may have an explicit alias requester ID for DMA where the requester is on another PCI
    /// bus", drivers/pci/search.c, v6.15), so under the 6.15 rules a function of a VMD domain is
    /// searched from its VMD endpoint; at DEV under the 5.3 rules.
    /// </summary>
    public static int AliasWalkStart(Machine m, int dev) =>
        m.Variants.Era != KernelEra.V5_3 && RealDmaDev(m, dev) is int real ? real : dev;
}
