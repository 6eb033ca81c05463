using Checker.Model.State;
using Checker.Model.Topology.Quirks;

namespace Checker.Model.Topology;

/// <summary>ACS isolation of PCI functions (docs/semantics.md, "Groups", "ACS").</summary>
public static class Acs
{
    /// <summary>
    /// Mirrors pci_acs_enabled() in drivers/pci/pci.c with REQ_ACS_FLAGS for DEV of M: first
    /// pci_dev_specific_acs_enabled() (the kernel's quirk table in M's era, by the device's IDs),
    /// then the standard capability.
    /// </summary>
    public static bool Enabled(Machine m, DeviceSpec dev) => Enabled(dev, m.Index.AcsQuirks[dev.Index]);

    /// <summary>
    /// Mirrors pci_acs_enabled() in drivers/pci/pci.c with REQ_ACS_FLAGS: a quirk's answer (the
    /// scenario's `acs-quirk`, or QUIRK from the table) decides first; otherwise conventional PCI,
    /// PCI bridges and event collectors never isolate; root and downstream ports need ACS;
    /// endpoints and upstream ports need it only when multifunction (VFs count as single-function).
    /// </summary>
    public static bool Enabled(DeviceSpec dev, AcsQuirkDecision quirk = AcsQuirkDecision.NoQuirk)
    {
        var pci = dev.Pci ?? throw new ArgumentException($"{dev.Name} is not a PCI device", nameof(dev));
        if (pci.AcsQuirk || quirk == AcsQuirkDecision.Isolates)
            return true;
        if (quirk == AcsQuirkDecision.DoesNotIsolate)
            return false;
        bool allFlags = (pci.Acs & AcsFlags.Required) == AcsFlags.Required;
        return pci.Type switch
        {
            PcieType.LegacyPci or PcieType.PciBridge or PcieType.PcieToPciBridge
                or PcieType.PciToPcieBridge or PcieType.RcEventCollector => false,
            PcieType.RootPort or PcieType.DownstreamPort => allFlags,
            _ => pci.IsVf || !pci.Multifunction || allFlags,
        };
    }

    /// <summary>
    /// Mirrors pci_acs_path_enabled(start, NULL, REQ_ACS_FLAGS): START and every bridge above it
    /// up to the root bus isolate.
    /// </summary>
    public static bool PathEnabled(Machine m, int start)
    {
        for (int? d = start; d is int cur; d = m.Devices[cur].Pci!.ParentBridge)
            if (!Enabled(m, m.Devices[cur]))
                return false;
        return true;
    }

    /// <summary>Whether a bridge of this type takes over the requester ID of the devices below it.</summary>
    public static bool TakesOverRequesterId(PcieType type) =>
        type is not (PcieType.RootPort or PcieType.UpstreamPort or PcieType.DownstreamPort);
}
