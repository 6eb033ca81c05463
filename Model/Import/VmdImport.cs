using System.Collections.Immutable;
using Checker.Model.Import.Hardware;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>
/// The VMD domains of an x86 listing (docs/import.md, "VMD"): Linux numbers no other domain from
/// 0x10000 on (ACPI's _SEG is 16 bits), and vmd_find_free_domain() (drivers/pci/controller/vmd.c,
/// v5.3 and v6.15) gives each VMD endpoint it binds the next domain above every domain there is, so
/// domain 0x10000 + k belongs to the k-th endpoint the driver probes: the vmd driver binds in bus
/// order (driver_attach(), no asynchronous probing in vmd_drv), and the listing's order is that one.
/// </summary>
public static class VmdImport
{
    public const int FirstDomain = 0x10000;

    /// <summary>
    /// BRIDGES with each VMD domain given its endpoint among DEVICES (and the endpoint's IOMMU, which
    /// DEVICES of the domain take too); a domain no endpoint is found for stays a host bridge of its own.
    /// </summary>
    public static ImmutableArray<HostBridge> Assign(
        ImmutableArray<HostBridge> bridges, ImmutableArray<DeviceSpec>.Builder devices, Arch arch, List<Guess> guesses)
    {
        if (arch != Arch.X86 || bridges.All(b => b.Domain < FirstDomain))
            return bridges;
        var endpoints = devices.Where(d => d.Pci is { } p && p.Domain < FirstDomain && VmdIds.Default.Entry(p.Ids) is not null)
            .OrderBy(d => d.Pci!.Domain).ThenBy(d => d.Pci!.BusNumber).ThenBy(d => d.Pci!.Devfn).ToList();
        var result = ImmutableArray.CreateBuilder<HostBridge>();
        foreach (var b in bridges)
        {
            if (b.Domain < FirstDomain)
            {
                result.Add(b);
                continue;
            }
            int k = b.Domain - FirstDomain;
            if (k >= endpoints.Count || bridges.Count(o => o.Domain == b.Domain) > 1)
            {
                guesses.Add(new Guess(GuessSubject.HostBridge(b.Domain), k >= endpoints.Count
                    ? $"domain {PciDomain.Format(b.Domain)} is a VMD domain (Linux numbers only those from 10000 on), but the listing has "
                      + (endpoints.Count == 0 ? "no VMD endpoint" : $"only {endpoints.Count} VMD endpoint{(endpoints.Count == 1 ? "" : "s")}") + " of vmd-ids.tsv: "
                      + "written as a host bridge of its own, its functions grouped by their own tree, which no kernel does; add `vmd:` by hand"
                    : $"domain {PciDomain.Format(b.Domain)} has several root buses, which a VMD domain does not (vmd_enable_domain() makes one): "
                      + "written as host bridges of their own"));
                result.Add(b);
                continue;
            }
            var endpoint = endpoints[k];
            guesses.Add(new Guess(GuessSubject.HostBridge(b.Domain),
                $"the domain of VMD endpoint {endpoint.Name} ({endpoint.Pci!.Ids!.Vendor:x4}:{endpoint.Pci.Ids.Device:x4}, in vmd_ids[]: "
                + $"{VmdIds.Default.Entry(endpoint.Pci.Ids)})"
                + (endpoints.Count > 1 ? $", the VMD endpoint number {k} in bus order, as vmd_find_free_domain() numbers them" : "")
                + ": its functions do DMA through the endpoint (pci_real_dma_dev())"));
            for (int i = 0; i < devices.Count; i++)
                if (devices[i].Pci?.Domain == b.Domain)
                    devices[i] = devices[i] with { Iommu = endpoint.Iommu };
            result.Add(b with { Iommu = endpoint.Iommu, Vmd = endpoint.Index });
        }
        return result.ToImmutable();
    }
}
