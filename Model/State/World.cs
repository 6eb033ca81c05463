using System.Runtime.CompilerServices;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Checker.Model.State;

/// <summary>
/// The whole changing state (docs/semantics.md, "The machine and the state"): immutable; <see cref="Semantics.Kernel.Step"/> returns a
/// new one. Per-device, per-driver and per-instance state is indexed like the machine's lists.
/// </summary>
public sealed record World(
    Machine Machine,
    ImmutableArray<DeviceState> Devices,
    ImmutableArray<InstanceState> Instances,
    ImmutableArray<bool> DriverRegistered,
    ImmutableArray<int> RegisteredDrivers,
    PersistentVector<int> BusList,
    PersistentVector<int> DeferredPending,
    PersistentVector<int> DeferredActive,
    bool DeferredProbeEnabled,
    bool InitcallsDone,
    bool WorkQueued,
    ImmutableSortedDictionary<int, IommuGroup> Groups,
    ImmutableHashSet<int> LiveMappings,
    int NextMapping,
    long Clock,
    BootLog Log,
    PersistentVector<TraceEntry> Trace)
{
    /// <summary>The state before anything happened: nothing added, nothing registered, clock at zero.</summary>
    public static World Initial(Machine m) => new(
        m,
        m.Index.InitialDevices,
        m.Iommus.Select(_ => InstanceState.Initial).ToImmutableArray(),
        m.Drivers.Select(_ => false).ToImmutableArray(),
        ImmutableArray<int>.Empty,
        PersistentVector<int>.Empty,
        PersistentVector<int>.Empty,
        PersistentVector<int>.Empty,
        DeferredProbeEnabled: false,
        InitcallsDone: false,
        WorkQueued: false,
        ImmutableSortedDictionary<int, IommuGroup>.Empty,
        ImmutableHashSet<int>.Empty,
        NextMapping: 0,
        Clock: 0,
        BootLog.Empty,
        PersistentVector<TraceEntry>.Empty);

    public Variants Variants => Machine.Variants;

    /// <summary>
    /// A quiet world keeps no boot log: Step formats and stores no line, and its clock moves by
    /// the step only (not the 1 µs a line), since nothing but the log's timestamps reads the clock.
    /// Exploration steps quiet worlds (it never reads the log). Not part of a state's identity
    /// (the fingerprint ignores it, as it ignores the clock and the log).
    /// </summary>
    public bool Quiet { get; init; }

    /// <summary>
    /// 6.15: the deferred-probe timeout has fired (deferred_probe_timeout_work_func() set
    /// driver_deferred_probe_timeout to 0): waiting DT masters give up, fw_devlink links are relaxed.
    /// </summary>
    public bool ProbeTimeoutDone { get; init; }

    /// <summary>The clock (µs) when late_initcall ran, -1 before: the deferred-probe timeout counts from it.</summary>
    public long LateInitcallClock { get; init; } = -1;

    /// <summary>
    /// The smallest id no group has (iommu_group_alloc()'s ida), when known for the world's
    /// <see cref="Groups"/> (the dictionary it was found for is kept with it, so a world whose
    /// groups were replaced otherwise finds it afresh). Bookkeeping, not part of the state.
    /// </summary>
    internal (ImmutableSortedDictionary<int, IommuGroup>? Groups, int Id) FreeGroupIdHint { get; init; }

    /// <summary>The smallest id no group in <see cref="Groups"/> has.</summary>
    public int SmallestFreeGroupId()
    {
        if (ReferenceEquals(FreeGroupIdHint.Groups, Groups))
            return FreeGroupIdHint.Id;
        return FreeGroupIdFrom(Groups, 0);
    }

    /// <summary>The smallest id from FROM on that GROUPS does not have.</summary>
    internal static int FreeGroupIdFrom(ImmutableSortedDictionary<int, IommuGroup> groups, int from)
    {
        int id = from;
        while (groups.ContainsKey(id))
            id++;
        return id;
    }

    /// <summary>Quiescence (docs/semantics.md, "Events"): no deferred work is queued (the caller knows whether its script is done).</summary>
    public bool Quiescent => !WorkQueued;

    /// <summary>Per device, its state, before the changes of <see cref="_overlay"/>.</summary>
    private readonly PersistentVector<DeviceState> _devices = DeviceVector(Machine, Devices);

    /// <summary>
    /// Set by <see cref="WithDevice"/>: the last few device changes, over the devices they apply to,
    /// so that a step changing one device several times makes one change to the tree.
    /// </summary>
    private readonly DeviceOverlay? _overlay;

    private DeviceOverlay? Overlay
    {
        get => _overlay;
        init
        {
            _overlay = value;
            if (value is not null)
                _devices = value.Base;
        }
    }

    /// <summary>
    /// Per device (indexed like the machine's), its state, in one array made when first read (O(N):
    /// readers of single devices use <see cref="Device"/>, readers of all of them <see cref="CopyDevicesTo"/>).
    /// </summary>
    public ImmutableArray<DeviceState> Devices
    {
        get => _overlay is null ? _devices.ToImmutableArray() : _overlay.Merged;
        init
        {
            _devices = DeviceVector(Machine, value);
            _overlay = null;
            _journal = new DeviceJournal(DeviceJournal.Everything, _journal);
        }
    }

    /// <summary>How many devices the machine has (the length of <see cref="Devices"/>).</summary>
    public int DeviceCount => _devices.Count;

    /// <summary>The machine's initial states are the same array in every world: their tree is made once per machine.</summary>
    private static PersistentVector<DeviceState> DeviceVector(Machine m, ImmutableArray<DeviceState> devices) =>
        m is not null && devices == m.Index.InitialDevices ? m.Index.InitialDeviceVector : PersistentVector.Create(devices.AsSpan());

    /// <summary>
    /// Every device change made on the way to this world, latest first: a persistent list that a
    /// world derived from this one extends, so the devices one step changed are the cells between
    /// the two worlds' heads (<see cref="ChangedDevicesSince"/>). Not part of the state: bookkeeping
    /// for readers that redo only what a step touched.
    /// </summary>
    private readonly DeviceJournal? _journal;

    /// <summary>
    /// Adds to INTO the devices whose state may differ between EARLIER and this world (repeats
    /// possible), when this world was derived from EARLIER by device changes this world records;
    /// false when that is not known (EARLIER is not an ancestor, or a whole device array was assigned).
    /// </summary>
    public bool ChangedDevicesSince(World earlier, List<int> into)
    {
        var stop = earlier._journal;
        for (var j = _journal; !ReferenceEquals(j, stop); j = j.Previous)
        {
            if (j is null || j.Device == DeviceJournal.Everything)
                return false;
            into.Add(j.Device);
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DeviceState Device(int d)
    {
        for (var o = _overlay; o is not null; o = o.Parent)
            if (o.Index == d)
                return o.State;
        return _devices[d];
    }

    /// <summary>
    /// Writes every device's state into INTO (at least as long as the machine's device list)
    /// without building the merged array that <see cref="Devices"/> keeps: for readers that look
    /// at every device of many worlds once each (the explorer's fingerprint and event lists).
    /// </summary>
    public void CopyDevicesTo(Span<DeviceState> into)
    {
        if (_overlay is null)
            _devices.CopyTo(into);
        else
            _overlay.CopyTo(into);
    }

    public World WithDevice(int d, DeviceState s) => this with { Overlay = NewOverlay(d, s), Journal = new DeviceJournal(d, _journal) };

    private DeviceJournal? Journal
    {
        init => _journal = value;
    }

    /// <summary>
    /// <see cref="WithDevice"/> as part of a larger <c>with</c>, so that a change to one device and
    /// to other fields makes one copy of the world: <c>w with { DeviceChange = (d, s), BusList = ... }</c>.
    /// </summary>
    internal (int Device, DeviceState State) DeviceChange
    {
        init
        {
            _overlay = NewOverlay(value.Device, value.State);
            _devices = _overlay.Base;
            _journal = new DeviceJournal(value.Device, _journal);
        }
    }

    /// <summary>
    /// The overlay with device D changed to S: the last change replaced when it was to D, else
    /// one more change on top, up to <see cref="DeviceOverlay.MaxDepth"/> before they are made in the tree.
    /// </summary>
    private DeviceOverlay NewOverlay(int d, DeviceState s)
    {
        var o = _overlay;
        if (o is null)
            return new DeviceOverlay(_devices, null, d, s);
        if (o.Index == d)
            return new DeviceOverlay(o.Base, o.Parent, d, s);
        if (o.Depth < DeviceOverlay.MaxDepth)
            return new DeviceOverlay(o.Base, o, d, s);
        return new DeviceOverlay(o.Folded, null, d, s);
    }

    public World WithInstance(int i, InstanceState s) => this with { Instances = Instances.SetItem(i, s) };
}

/// <summary>One cell of <see cref="World"/>'s device-change list: the device changed (or every device), then the changes before it.</summary>
internal sealed class DeviceJournal(int device, DeviceJournal? previous)
{
    public const int Everything = -1;

    public readonly int Device = device;
    public readonly DeviceJournal? Previous = previous;
}

/// <summary>
/// Devices BASE with the changes of PARENT, then device INDEX's state replaced by STATE; the
/// whole array made when first read, the changes made in the tree when the overlay is full.
/// </summary>
internal sealed class DeviceOverlay
{
    public const int MaxDepth = 8;

    public readonly PersistentVector<DeviceState> Base;
    public readonly DeviceOverlay? Parent;
    public readonly int Index;
    public readonly DeviceState State;
    public readonly int Depth;
    [DerivedCache] private ImmutableArray<DeviceState> _merged;

    public DeviceOverlay(PersistentVector<DeviceState> @base, DeviceOverlay? parent, int index, DeviceState state)
    {
        Base = @base;
        Parent = parent;
        Index = index;
        State = state;
        Depth = parent is null ? 1 : parent.Depth + 1;
    }

    /// <summary>BASE with every change made, in order (the last one to a device wins).</summary>
    public PersistentVector<DeviceState> Folded
    {
        get
        {
            var changes = new (int, DeviceState)[Depth];
            int i = Depth;
            for (var o = this; o is not null; o = o.Parent)
                changes[--i] = (o.Index, o.State);
            return Base.SetItems(changes);
        }
    }

    public ImmutableArray<DeviceState> Merged
    {
        get
        {
            var merged = _merged;
            if (merged.IsDefault)
            {
                var array = new DeviceState[Base.Count];
                Base.CopyTo(array);
                Apply(array);
                _merged = merged = ImmutableCollectionsMarshal.AsImmutableArray(array);
            }
            return merged;
        }
    }

    public void CopyTo(Span<DeviceState> into)
    {
        if (!_merged.IsDefault)
        {
            _merged.AsSpan().CopyTo(into);
            return;
        }
        Base.CopyTo(into);
        Apply(into);
    }

    /// <summary>The changes in the order they were made, so that the last one to a device wins.</summary>
    private void Apply(Span<DeviceState> array)
    {
        Parent?.Apply(array);
        array[Index] = State;
    }
}
