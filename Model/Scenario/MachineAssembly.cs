using System.Collections.Immutable;
using Checker.Model.State;

namespace Checker.Model.Scenario;

/// <summary>
/// Resolves the names of the drafts into indices and builds the <see cref="Machine"/>. The checks
/// run in a fixed order (duplicate names, host bridges, devices, the PCI tree, drivers, probe
/// waits, IOMMU instances), each stopping at the first problem in file order.
/// </summary>
internal static class MachineAssembly
{
    public static Machine Build(
        ScenarioFile file, string name, Arch arch, Variants variants, IReadOnlyList<IommuDraft> iommus,
        IReadOnlyList<HostBridgeDraft> bridges, IReadOnlyList<DeviceDraft> devices, IReadOnlyList<DriverDraft> drivers)
    {
        var deviceNames = NameTable.Build(file, "device", devices.Select(d => d.Name));
        var driverNames = NameTable.Build(file, "driver", drivers.Select(d => d.Name));
        var iommuNames = NameTable.Build(file, "IOMMU instance", iommus.Select(i => i.Name));
        var bridgeByDomain = ByDomain(file, bridges);

        var hostBridges = bridges.Select(b => new HostBridge(
            b.Domain.Value, b.RootBus, b.Firmware, iommuNames.Resolve(file, b.Iommu), new SourceLine(b.Line))).ToImmutableArray();
        var bridgeSpecs = hostBridges.ToDictionary(b => (b.Domain, b.RootBus));
        var ownIommus = devices.Select(d => iommuNames.Resolve(file, d.Iommu)).ToArray();
        var pci = PciValidation.Validate(file, devices, deviceNames, bridgeByDomain);
        // A domain may have several root buses (x86 servers), each its own host bridge: a device
        // takes the one at the top of its subtree.
        var rootBus = new int[devices.Count];
        for (int i = 0; i < devices.Count; i++)
            if (pci[i] is { } info)
                rootBus[i] = info.ParentBridge is int parent ? rootBus[parent] : info.BusNumber;
        hostBridges = VmdValidation.Resolve(file, arch, bridges, hostBridges, devices, deviceNames, pci, rootBus);
        bridgeSpecs = hostBridges.ToDictionary(b => (b.Domain, b.RootBus));
        var deviceSpecs = devices.Select((d, i) =>
        {
            var bridge = d.Pci is { } p ? bridgeSpecs[(p.Domain, rootBus[i])] : null;
            return new DeviceSpec(i, d.Name.Value, d.Bus, bridge?.Firmware ?? d.Firmware!.Value,
                bridge is null ? ownIommus[i] : bridge.Iommu, d.Coherent, d.DmaRanges, d.CoherentMaskBits, d.Present,
                pci[i], new SourceLine(d.Line));
        }).ToImmutableArray();

        var driverSpecs = drivers.Select((d, i) => BuildDriver(file, d, i, deviceNames, deviceSpecs)).ToImmutableArray();
        CheckNoDeferCycle(file, drivers, driverSpecs, deviceSpecs);
        var iommuSpecs = BuildIommus(file, iommus, deviceNames, driverNames, deviceSpecs, driverSpecs);

        return new Machine(name, arch, variants, deviceSpecs, driverSpecs, iommuSpecs, hostBridges, []);
    }

    /// <summary>The host bridges of each domain; one root bus belongs to one host bridge.</summary>
    private static ILookup<int, HostBridgeDraft> ByDomain(ScenarioFile file, IReadOnlyList<HostBridgeDraft> bridges)
    {
        var seen = new Dictionary<(int, int), HostBridgeDraft>();
        foreach (var b in bridges)
            if (!seen.TryAdd((b.Domain.Value, b.RootBus), b))
                throw file.Error(b.Domain, $"duplicate host bridge for domain {b.Domain.Value:x4} root bus {b.RootBus:x2} (first at line {seen[(b.Domain.Value, b.RootBus)].Line})");
        return bridges.ToLookup(b => b.Domain.Value);
    }

    private static DriverSpec BuildDriver(
        ScenarioFile file, DriverDraft d, int index, NameTable deviceNames, ImmutableArray<DeviceSpec> devices)
    {
        var matches = d.Matches.Select(m =>
        {
            int dev = deviceNames.Resolve(file, m);
            if (devices[dev].Bus != d.Bus)
                throw file.Error(m, $"device '{m.Value}' is on bus {devices[dev].Bus.BusName()}, but the driver is on bus {d.Bus.BusName()}");
            return dev;
        }).ToImmutableArray();
        var probe = d.Probe.Behaviour
            ?? new ProbeBehaviour.DefersUntilBound(deviceNames.Resolve(file, d.Probe.DeferUntilBound!.Value));
        return new DriverSpec(index, d.Name.Value, d.Bus, matches, d.Arrival, probe, d.ArmIommuAttach, new SourceLine(d.Line));
    }

    /// <summary>
    /// A device whose driver defers until a supplier is bound waits for that supplier; if the
    /// waits form a cycle (A waits for B, B for A), none of them can ever bind.
    /// </summary>
    private static void CheckNoDeferCycle(
        ScenarioFile file, IReadOnlyList<DriverDraft> drafts, ImmutableArray<DriverSpec> drivers, ImmutableArray<DeviceSpec> devices)
    {
        var waits = drivers
            .Where(d => d.Probe is ProbeBehaviour.DefersUntilBound)
            .SelectMany(d => d.Matches.Select(dev => (dev, ((ProbeBehaviour.DefersUntilBound)d.Probe).Supplier)))
            .ToList();
        if (WaitCycles.Find(devices.Length, waits) is not { } cycle)
            return;
        var culprit = drivers.First(d => d.Probe is ProbeBehaviour.DefersUntilBound w
            && cycle.Contains(w.Supplier) && d.Matches.Any(cycle.Contains));
        throw file.Error(drafts[culprit.Index].Probe.DeferUntilBound!.Value,
            $"defer-until-bound waits form a cycle through {string.Join(", ", cycle.Select(i => devices[i].Name))}: none of them can ever bind");
    }

    private static ImmutableArray<IommuSpec> BuildIommus(
        ScenarioFile file, IReadOnlyList<IommuDraft> iommus, NameTable deviceNames, NameTable driverNames,
        ImmutableArray<DeviceSpec> devices, ImmutableArray<DriverSpec> drivers)
    {
        var represented = new Dictionary<int, IommuDraft>();
        return iommus.Select((i, index) =>
        {
            int? device = deviceNames.Resolve(file, i.Device);
            int? driver = driverNames.Resolve(file, i.Driver);
            if (device is { } dev)
            {
                if (!represented.TryAdd(dev, i))
                    throw file.Error(i.Device!.Value, $"device '{devices[dev].Name}' already represents IOMMU instance '{represented[dev].Name.Value}'");
                if (driver is { } drv && !drivers[drv].Matches.Contains(dev))
                    throw file.Error(i.Driver!.Value,
                        $"driver '{drivers[drv].Name}' does not match device '{devices[dev].Name}', so the instance could never register");
            }
            return new IommuSpec(index, i.Name.Value, device, driver, i.Contexts, i.DeferForever, new SourceLine(i.Line));
        }).ToImmutableArray();
    }
}
