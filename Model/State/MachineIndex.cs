using System.Collections.Immutable;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// Per device, the VMD endpoint its domain belongs to (<see cref="HostBridge.Vmd"/>), null for
    /// every other device: what pci_real_dma_dev() returns when it is not the device itself.
    /// </summary>
    public ImmutableArray<int?> RealDmaDev
    {
        get
        {
            var real = _realDmaDev;
            if (real.IsDefault)
            {
                var byDomain = new Dictionary<int, int?>();
                foreach (var h in _machine.HostBridges)
                    byDomain[h.Domain] = h.Vmd;
                _realDmaDev = real = [.. _machine.Devices.Select(d => d.Pci is { } p ? byDomain.GetValueOrDefault(p.Domain) : null)];
            }
            return real;
        }
    }

    /// <summary>
    /// The device that must be present before DEV can be added, null for none: its parent bridge,
    /// or for a function on a VMD domain's root bus the VMD endpoint (vmd_probe() scans the domain
    /// of an endpoint that exists).
    /// </summary>
    public int? PresentBefore(int dev) =>
        _machine.Devices[dev].Pci is not { } p ? null : p.ParentBridge ?? RealDmaDev[dev];

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
    [DerivedCache] private ImmutableArray<int?> _realDmaDev;

    public MachineIndex(Machine m)
        : this(m,
            PerDevice(m, m.Devices.Where(c => c.Pci?.ParentBridge is not null).Select(c => (c.Pci!.ParentBridge!.Value, c.Index))),
            PerDevice(m, m.Devices.Where(c => c.Pci?.PhysFn is not null).Select(c => (c.Pci!.PhysFn!.Value, c.Index))),
            PerDevice(m, m.Drivers.SelectMany(drv => drv.Matches.Select(dev => (dev, drv.Index)))))
    {
    }

    private MachineIndex(Machine m, ImmutableArray<ImmutableArray<int>> children, ImmutableArray<ImmutableArray<int>> virtualFunctions,
        ImmutableArray<ImmutableArray<int>> driversMatching)
    {
        _machine = m;
        Children = children;
        VirtualFunctions = virtualFunctions;
        DriversMatching = driversMatching;
        var instanceOf = new int?[m.Devices.Length];
        foreach (var i in m.Iommus.Reverse())
            if (i.Device is int d)
                instanceOf[d] = i.Index;
        InstanceOfDevice = [.. instanceOf];
        BuiltinOrder = m.Drivers.Where(d => d.Arrival.Builtin)
            .OrderBy(d => d.Arrival.Level).ThenBy(d => d.Arrival.LinkOrder).ThenBy(d => d.Index)
            .Select(d => d.Index).ToImmutableArray();
    }

    /// <summary>
    /// The index of CHILD, a machine made from PARENT by dropping devices and drivers and
    /// renumbering the rest in order (DEVMAP, DRVMAP: per device, driver of PARENT its index in
    /// CHILD, or -1), with the derived facts
    /// that PARENT has already computed and that read nothing but a device, its ancestors and its
    /// bus carried over instead of computed again (each over O(N) devices, once per machine the
    /// shrinker makes). Sound because every kept device keeps its facts, its ancestors (a device
    /// goes with everything below it) and the order of the devices on its bus:
    /// <list type="bullet">
    /// <item>a device's children, VFs and matching drivers are its kept ones (a driver keeps its
    /// `matches` but those dropped, in order);</item>
    /// <item>a walk (<see cref="PciWalk"/>) reads the device's ancestors, their types and ACS (under
    /// the 6.15 rules a VMD domain's function reads its VMD endpoint's, which goes with the domain);</item>
    /// <item>an ACS quirk answer (<see cref="AcsQuirks"/>) reads the device's IDs, type, `multifunction`
    /// and whether it is on a root bus, and the machine's arch, era and ACS override;</item>
    /// <item>a bus (<see cref="BusMembers"/>) is its kept members, in the same order;</item>
    /// <item>a DMA-alias list (<see cref="DmaAliases"/>) is its `dma-alias-of` (kept in order by
    /// the edit) and the devices on its bus at the quirk's devfns, both renumbered in order;</item>
    /// <item>an initial state (<see cref="InitialDevices"/>) reads the device's coherency and mask.</item>
    /// </list>
    /// The rest is computed as for any machine. CHILD must differ from PARENT only in the devices
    /// dropped, their references renumbered, and drivers, instances and host bridges dropped or
    /// renumbered (its arch, variants and override the same); MachineIndexDerivationTests checks
    /// the result against a fresh index.
    /// </summary>
    public static MachineIndex Pruned(Machine parent, Machine child, int[] devMap, int[] drvMap)
    {
        var from = parent.Index;
        var back = new int[child.Devices.Length];
        for (int d = 0; d < devMap.Length; d++)
            if (devMap[d] >= 0)
                back[devMap[d]] = d;
        // A list of devices, of kept drivers: its kept members renumbered, in order (the same list
        // when the renumbering leaves all of it as it was, as it does below the first device dropped).
        static ImmutableArray<int> Map(ImmutableArray<int> list, int[] map)
        {
            int kept = 0;
            bool same = true;
            foreach (int x in list)
                if (map[x] >= 0)
                {
                    kept++;
                    same &= map[x] == x;
                }
            if (same && kept == list.Length)
                return list;
            if (kept == 0)
                return ImmutableArray<int>.Empty;
            var a = new int[kept];
            int i = 0;
            foreach (int x in list)
                if (map[x] >= 0)
                    a[i++] = map[x];
            return ImmutableCollectionsMarshal.AsImmutableArray(a);
        }
        ImmutableArray<ImmutableArray<int>> MapEach(ImmutableArray<ImmutableArray<int>> lists, int[] map)
        {
            var a = new ImmutableArray<int>[back.Length];
            for (int c = 0; c < back.Length; c++)
                a[c] = Map(lists[back[c]], map);
            return ImmutableCollectionsMarshal.AsImmutableArray(a);
        }
        ImmutableArray<T> Pick<T>(ImmutableArray<T> values)
        {
            var a = new T[back.Length];
            for (int c = 0; c < back.Length; c++)
                a[c] = values[back[c]];
            return ImmutableCollectionsMarshal.AsImmutableArray(a);
        }
        var index = new MachineIndex(child, MapEach(from.Children, devMap), MapEach(from.VirtualFunctions, devMap), MapEach(from.DriversMatching, drvMap));
        if (!from._pciWalk.IsDefault)
            index._pciWalk = MapEach(from._pciWalk, devMap);
        if (!from._acsQuirks.IsDefault)
            index._acsQuirks = Pick(from._acsQuirks);
        if (!from._initialDevices.IsDefault)
            index._initialDevices = Pick(from._initialDevices);
        if (!from._busMembers.IsDefault)
        {
            // One list per bus, shared by its members as in a fresh index.
            var mapped = new Dictionary<ImmutableArray<int>, ImmutableArray<int>>();
            var members = new ImmutableArray<int>[back.Length];
            var position = new int[back.Length];
            for (int c = 0; c < back.Length; c++)
            {
                var list = from._busMembers[back[c]];
                if (list.IsEmpty)
                {
                    members[c] = ImmutableArray<int>.Empty;
                    continue;
                }
                if (!mapped.TryGetValue(list, out var m))
                {
                    mapped[list] = m = Map(list, devMap);
                    for (int i = 0; i < m.Length; i++)
                        position[m[i]] = i;
                }
                members[c] = m;
            }
            index._busMembers = ImmutableCollectionsMarshal.AsImmutableArray(members);
            index._busPosition = ImmutableCollectionsMarshal.AsImmutableArray(position);
        }
        if (!from._dmaAliases.IsDefault)
            index._dmaAliases = MapEach(from._dmaAliases, devMap);
        return index;
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
