using System.Collections.Immutable;

namespace Checker.Model.State;

/// <summary>Read-only lookups derived from a <see cref="Machine"/>; never part of any state.</summary>
public sealed class MachineIndex
{
    public ImmutableDictionary<string, int> DeviceByName { get; }
    public ImmutableDictionary<string, int> DriverByName { get; }
    public ImmutableDictionary<string, int> IommuByName { get; }
    /// <summary>Per device, the PCI devices on its secondary bus (VFs included), in file order.</summary>
    public ImmutableArray<ImmutableArray<int>> Children { get; }
    /// <summary>Per device, the drivers that match it, in file order.</summary>
    public ImmutableArray<ImmutableArray<int>> DriversMatching { get; }
    /// <summary>Per device, the IOMMU instance it represents, if any.</summary>
    public ImmutableArray<int?> InstanceOfDevice { get; }
    /// <summary>Per PF, its VFs in file order.</summary>
    public ImmutableArray<ImmutableArray<int>> VirtualFunctions { get; }
    /// <summary>Built-in drivers in (initcall level, link order) order.</summary>
    public ImmutableArray<int> BuiltinOrder { get; }

    public MachineIndex(Machine m)
    {
        DeviceByName = m.Devices.ToImmutableDictionary(d => d.Name, d => d.Index);
        DriverByName = m.Drivers.ToImmutableDictionary(d => d.Name, d => d.Index);
        IommuByName = m.Iommus.ToImmutableDictionary(i => i.Name, i => i.Index);
        Children = m.Devices.Select(d => m.Devices
            .Where(c => c.Pci?.ParentBridge == d.Index).Select(c => c.Index).ToImmutableArray())
            .ToImmutableArray();
        DriversMatching = m.Devices.Select(d => m.Drivers
            .Where(drv => drv.Matches.Contains(d.Index)).Select(drv => drv.Index).ToImmutableArray())
            .ToImmutableArray();
        InstanceOfDevice = m.Devices.Select(d => m.Iommus.FirstOrDefault(i => i.Device == d.Index)?.Index)
            .ToImmutableArray();
        VirtualFunctions = m.Devices.Select(d => m.Devices
            .Where(c => c.Pci?.PhysFn == d.Index).Select(c => c.Index).ToImmutableArray())
            .ToImmutableArray();
        BuiltinOrder = m.Drivers.Where(d => d.Arrival.Builtin)
            .OrderBy(d => d.Arrival.Level).ThenBy(d => d.Arrival.LinkOrder).ThenBy(d => d.Index)
            .Select(d => d.Index).ToImmutableArray();
    }
}
