using System.Collections.Immutable;

namespace Checker.Model.State;

/// <summary>Read-only lookups derived from a <see cref="Machine"/>; never part of any state.</summary>
public sealed class MachineIndex
{
    // The name tables are made when first read: a machine the shrinker makes is usually run, not named.
    public ImmutableDictionary<string, int> DeviceByName => _deviceByName ??= _machine.Devices.ToImmutableDictionary(d => d.Name, d => d.Index);
    public ImmutableDictionary<string, int> DriverByName => _driverByName ??= _machine.Drivers.ToImmutableDictionary(d => d.Name, d => d.Index);
    public ImmutableDictionary<string, int> IommuByName => _iommuByName ??= _machine.Iommus.ToImmutableDictionary(i => i.Name, i => i.Index);
    /// <summary>Per device, the PCI devices on its secondary bus (VFs included), in file order.</summary>
    public ImmutableArray<ImmutableArray<int>> Children { get; }
    /// <summary>Per device, the drivers that match it, in file order.</summary>
    public ImmutableArray<ImmutableArray<int>> DriversMatching { get; }
    /// <summary>Whether driver DRV matches device DEV (DEV is in its `matches`), without scanning the driver's whole list.</summary>
    public bool Matches(int drv, int dev) => DriversMatching[dev].Contains(drv);

    /// <summary>Per device, the IOMMU instance it represents, if any.</summary>
    public ImmutableArray<int?> InstanceOfDevice { get; }
    /// <summary>Per PF, its VFs in file order.</summary>
    public ImmutableArray<ImmutableArray<int>> VirtualFunctions { get; }
    /// <summary>Built-in drivers in (initcall level, link order) order.</summary>
    public ImmutableArray<int> BuiltinOrder { get; }
    /// <summary>
    /// Per device, <see cref="DeviceState.Initial"/>, made when first read and shared by every world
    /// of the machine (states are immutable), so a device no event touched is usually the same
    /// object in all of them (the fingerprint's fast path; it compares values otherwise).
    /// </summary>
    public ImmutableArray<DeviceState> InitialDevices
    {
        get
        {
            var initial = _initialDevices;
            if (initial.IsDefault)
            {
                // Devices alike in what their initial state reads share one (states are immutable).
                var alike = new Dictionary<(bool, int), DeviceState>();
                _initialDevices = initial = [.. _machine.Devices.Select(d =>
                    alike.TryGetValue((d.Coherent, d.CoherentMaskBits), out var s) ? s
                    : alike[(d.Coherent, d.CoherentMaskBits)] = DeviceState.Initial(d, _machine.Arch))];
            }
            return initial;
        }
    }
    /// <summary><see cref="InitialDevices"/> as the tree every world of the machine starts from.</summary>
    public PersistentVector<DeviceState> InitialDeviceVector
    {
        get
        {
            var initial = _initialDeviceVector;
            if (initial is null)
                _initialDeviceVector = initial = PersistentVector.Create(InitialDevices.AsSpan());
            return initial;
        }
    }

    /// <summary>
    /// Per PCI device, the first two steps of pci_device_group()'s search
    /// (<see cref="Topology.PciDeviceGroup.Walk"/>): the devices visited, in order, the last being
    /// the top the rest of the search starts from. Empty for other devices.
    /// </summary>
    public ImmutableArray<ImmutableArray<int>> PciWalk
    {
        get
        {
            var walks = _pciWalk;
            if (walks.IsDefault)
                _pciWalk = walks = [.. _machine.Devices.Select(d => d.Pci is null ? ImmutableArray<int>.Empty : [.. Topology.PciDeviceGroup.Walk(_machine, d.Index).Visited])];
            return walks;
        }
    }

    /// <summary>
    /// Per device, what pci_dev_specific_acs_enabled() answers in the machine's era (the quirk
    /// table of <see cref="Topology.Quirks.PciQuirks"/>, matched on the device's PCI IDs).
    /// </summary>
    public ImmutableArray<Topology.Quirks.AcsQuirkDecision> AcsQuirks
    {
        get
        {
            var quirks = _acsQuirks;
            if (quirks.IsDefault)
                _acsQuirks = quirks = [.. _machine.Devices.Select(d => d.Pci is null ? Topology.Quirks.AcsQuirkDecision.NoQuirk
                    : Topology.Quirks.PciQuirks.Acs(_machine, d.Index, _machine.Variants.Era).Decision)];
            return quirks;
        }
    }

    /// <summary>
    /// Per PCI device, its DMA aliases on its bus: the scenario's `dma-alias-of` and the devices
    /// at the devfns the era's DMA-alias fixups add (dev->dma_alias_mask), in device order.
    /// </summary>
    public ImmutableArray<ImmutableArray<int>> DmaAliases
    {
        get
        {
            var aliases = _dmaAliases;
            if (aliases.IsDefault)
                _dmaAliases = aliases = [.. _machine.Devices.Select(AliasesOf)];
            return aliases;
        }
    }

    /// <summary>
    /// Per PCI device, the PCI devices on its bus (<see cref="Topology.PciBus.SameBus"/>: one parent
    /// bridge, or one root bus), itself included, in device order; empty for other devices. The
    /// searches that look along a bus (quirk aliases, the functions of a slot) scan this instead of
    /// every device of the machine, meeting the same devices in the same order.
    /// </summary>
    public ImmutableArray<ImmutableArray<int>> BusMembers
    {
        get
        {
            var members = _busMembers;
            if (members.IsDefault)
                (_busPosition, _busMembers) = (_, members) = ComputeBusMembers(_machine);
            return members;
        }
    }

    /// <summary>Per PCI device, its position in its <see cref="BusMembers"/> list (0 for other devices).</summary>
    public ImmutableArray<int> BusPosition
    {
        get
        {
            if (_busMembers.IsDefault)
                _ = BusMembers;
            return _busPosition;
        }
    }

    private static (ImmutableArray<int>, ImmutableArray<ImmutableArray<int>>) ComputeBusMembers(Machine m)
    {
        var position = new int[m.Devices.Length];
        var buses = new Dictionary<(int Domain, int Parent, int Bus), List<int>>();
        var keyOf = new (int, int, int)[m.Devices.Length];
        foreach (var d in m.Devices)
        {
            if (d.Pci is not { } pci)
                continue;
            var key = (pci.Domain, pci.ParentBridge ?? -1, pci.ParentBridge is null ? pci.BusNumber : -1);
            keyOf[d.Index] = key;
            if (!buses.TryGetValue(key, out var list))
                buses[key] = list = [];
            position[d.Index] = list.Count;
            list.Add(d.Index);
        }
        var frozen = buses.ToDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray());
        return ([.. position], [.. m.Devices.Select(d => d.Pci is null ? ImmutableArray<int>.Empty : frozen[keyOf[d.Index]])]);
    }

    /// <summary>The script's times and where each timed action falls against the deferred-probe timeout.</summary>
    public ScriptTimeline Timeline => _timeline ??= new ScriptTimeline(_machine);

    private ImmutableArray<int> AliasesOf(DeviceSpec d)
    {
        if (d.Pci is not { } pci)
            return [];
        var devfns = Topology.Quirks.PciQuirks.DmaAliases(_machine, d.Index, _machine.Variants.Era).Devfns;
        if (devfns.IsEmpty)
            return pci.DmaAliasOf;
        var onBus = BusMembers[d.Index].Where(o => o != d.Index && devfns.Contains(_machine.Devices[o].Pci!.Devfn));
        return [.. pci.DmaAliasOf.Union(onBus).Order()];
    }

    private readonly Machine _machine;
    [DerivedCache] private ImmutableDictionary<string, int>? _deviceByName;
    [DerivedCache] private ImmutableDictionary<string, int>? _driverByName;
    [DerivedCache] private ImmutableDictionary<string, int>? _iommuByName;
    [DerivedCache] private ImmutableArray<DeviceState> _initialDevices;
    [DerivedCache] private PersistentVector<DeviceState>? _initialDeviceVector;
    [DerivedCache] private ImmutableArray<ImmutableArray<int>> _pciWalk;
    [DerivedCache] private ImmutableArray<Topology.Quirks.AcsQuirkDecision> _acsQuirks;
    [DerivedCache] private ImmutableArray<ImmutableArray<int>> _dmaAliases;
    [DerivedCache] private ScriptTimeline? _timeline;
    [DerivedCache] private ImmutableArray<ImmutableArray<int>> _busMembers;
    [DerivedCache] private ImmutableArray<int> _busPosition;

    public MachineIndex(Machine m)
    {
        _machine = m;
        Children = PerDevice(m, m.Devices.Where(c => c.Pci?.ParentBridge is not null).Select(c => (c.Pci!.ParentBridge!.Value, c.Index)));
        VirtualFunctions = PerDevice(m, m.Devices.Where(c => c.Pci?.PhysFn is not null).Select(c => (c.Pci!.PhysFn!.Value, c.Index)));
        DriversMatching = PerDevice(m, m.Drivers.SelectMany(drv => drv.Matches.Select(dev => (dev, drv.Index))));
        var instanceOf = new int?[m.Devices.Length];
        foreach (var i in m.Iommus.Reverse())
            if (i.Device is int d)
                instanceOf[d] = i.Index;
        InstanceOfDevice = [.. instanceOf];
        BuiltinOrder = m.Drivers.Where(d => d.Arrival.Builtin)
            .OrderBy(d => d.Arrival.Level).ThenBy(d => d.Arrival.LinkOrder).ThenBy(d => d.Index)
            .Select(d => d.Index).ToImmutableArray();
    }

    /// <summary>Per device, the values paired with it, in the order the pairs come.</summary>
    private static ImmutableArray<ImmutableArray<int>> PerDevice(Machine m, IEnumerable<(int Device, int Value)> pairs)
    {
        var lists = new List<int>[m.Devices.Length];
        foreach (var (device, value) in pairs)
            (lists[device] ??= []).Add(value);
        return [.. lists.Select(l => l is null ? ImmutableArray<int>.Empty : [.. l])];
    }
}
