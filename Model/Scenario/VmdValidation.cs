using System.Collections.Immutable;
using Checker.Model.State;

namespace Checker.Model.Scenario;

/// <summary>
/// Checks the `vmd` fields of the host bridges and gives each VMD domain its endpoint and the
/// endpoint's IOMMU (docs/scenario-format.md, "host-bridges"; docs/semantics.md, "VMD").
/// </summary>
internal static class VmdValidation
{
    public static ImmutableArray<HostBridge> Resolve(
        ScenarioFile file, Arch arch, IReadOnlyList<HostBridgeDraft> drafts, ImmutableArray<HostBridge> bridges,
        IReadOnlyList<DeviceDraft> devices, NameTable names, ImmutableArray<PciInfo?> pci, int[] rootBus)
    {
        var endpointOf = new Dictionary<int, int>();
        var domainOf = new Dictionary<int, HostBridgeDraft>();
        for (int i = 0; i < drafts.Count; i++)
        {
            if (drafts[i].Vmd is not { } reference)
                continue;
            var draft = drafts[i];
            int domain = draft.Domain.Value;
            if (arch != Arch.X86)
                throw file.Error(reference, "a VMD domain exists on x86 only (pci_real_dma_dev() is overridden for VMD in arch/x86/pci/common.c)");
            if (draft.Iommu is { } iommu)
                throw file.Error(iommu, "a VMD domain is translated by the IOMMU of its VMD endpoint (the endpoint's requester ID reaches it): "
                    + "remove this field");
            if (drafts.Count(b => b.Domain.Value == domain) > 1)
                throw file.Error(reference, $"a VMD domain has one root bus (vmd_enable_domain() creates one): domain {PciDomain.Format(domain)} has several host bridges");
            int endpoint = names.Resolve(file, reference);
            if (pci[endpoint] is not { } ep)
                throw file.Error(reference, $"vmd '{reference.Value}' is a {devices[endpoint].Bus.BusName()} device, not a PCI device");
            if (ep.Domain == domain)
                throw file.Error(reference, $"vmd '{reference.Value}' is in the domain it would make: a VMD endpoint sits in another domain");
            if (drafts.FirstOrDefault(b => b.Domain.Value == ep.Domain)?.Vmd is not null)
                throw file.Error(reference, $"vmd '{reference.Value}' is itself in a VMD domain");
            if (domainOf.TryGetValue(endpoint, out var other))
                throw file.Error(reference, $"vmd '{reference.Value}' already makes domain {PciDomain.Format(other.Domain.Value)} (line {other.Line}): a VMD endpoint makes one domain");
            domainOf[endpoint] = draft;
            endpointOf[domain] = endpoint;
        }
        for (int i = 0; i < devices.Count; i++)
            if (pci[i] is { } p && endpointOf.TryGetValue(p.Domain, out int endpoint))
            {
                if (i < endpoint)
                    throw file.Error(devices[i].Name, $"'{devices[i].Name.Value}' is in the domain of VMD endpoint '{devices[endpoint].Name.Value}', listed after it "
                        + $"(line {devices[endpoint].Line}): devices are listed in the order the kernel adds them, and vmd_probe() scans the domain of an endpoint that exists");
                if (devices[i].Present && !devices[endpoint].Present)
                    throw file.Error(devices[i].Name, $"'{devices[i].Name.Value}' is present at boot but its VMD endpoint '{devices[endpoint].Name.Value}' is not: "
                        + "the domain exists only once the endpoint does");
            }
        return [.. bridges.Select(b => endpointOf.TryGetValue(b.Domain, out int endpoint)
            ? b with { Iommu = bridges.First(h => h.Domain == pci[endpoint]!.Domain && h.RootBus == rootBus[endpoint]).Iommu, Vmd = endpoint }
            : b)];
    }
}
