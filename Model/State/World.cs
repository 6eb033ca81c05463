using System.Collections.Immutable;

namespace Checker.Model.State;

/// <summary>
/// The whole changing state (spec section 2): immutable; <see cref="Semantics.Kernel.Step"/> returns a
/// new one. Per-device, per-driver and per-instance state is indexed like the machine's lists.
/// </summary>
public sealed record World(
    Machine Machine,
    ImmutableArray<DeviceState> Devices,
    ImmutableArray<InstanceState> Instances,
    ImmutableArray<bool> DriverRegistered,
    ImmutableArray<int> RegisteredDrivers,
    ImmutableArray<int> BusList,
    ImmutableArray<int> DeferredPending,
    ImmutableArray<int> DeferredActive,
    bool DeferredProbeEnabled,
    bool InitcallsDone,
    bool WorkQueued,
    ImmutableSortedDictionary<int, IommuGroup> Groups,
    ImmutableHashSet<int> LiveMappings,
    int NextMapping,
    long Clock,
    BootLog Log,
    ImmutableArray<TraceEntry> Trace)
{
    /// <summary>The state before anything happened: nothing added, nothing registered, clock at zero.</summary>
    public static World Initial(Machine m) => new(
        m,
        m.Devices.Select(DeviceState.Initial).ToImmutableArray(),
        m.Iommus.Select(_ => InstanceState.Initial).ToImmutableArray(),
        m.Drivers.Select(_ => false).ToImmutableArray(),
        ImmutableArray<int>.Empty,
        ImmutableArray<int>.Empty,
        ImmutableArray<int>.Empty,
        ImmutableArray<int>.Empty,
        DeferredProbeEnabled: false,
        InitcallsDone: false,
        WorkQueued: false,
        ImmutableSortedDictionary<int, IommuGroup>.Empty,
        ImmutableHashSet<int>.Empty,
        NextMapping: 0,
        Clock: 0,
        BootLog.Empty,
        ImmutableArray<TraceEntry>.Empty);

    public Variants Variants => Machine.Variants;

    /// <summary>
    /// A quiet world keeps no boot log: Step formats and stores no line, and its clock moves by
    /// the step only (not the 1 µs a line), since nothing but the log's timestamps reads the clock.
    /// Exploration steps quiet worlds (it never reads the log). Not part of a state's identity
    /// (the fingerprint ignores it, as it ignores the clock and the log).
    /// </summary>
    public bool Quiet { get; init; }

    /// <summary>Quiescence (spec section 3): no deferred work is queued (the caller knows whether its script is done).</summary>
    public bool Quiescent => !WorkQueued;

    private readonly ImmutableArray<DeviceState> _devices = Devices;

    /// <summary>
    /// Set by <see cref="WithDevice"/>: the devices as <see cref="DeviceOverlay.Base"/> with one
    /// device replaced, so that a step changing one device several times copies the array once.
    /// </summary>
    private readonly DeviceOverlay? _overlay;

    private DeviceOverlay? Overlay
    {
        get => _overlay;
        init => _overlay = value;
    }

    /// <summary>Per device (indexed like the machine's), its state.</summary>
    public ImmutableArray<DeviceState> Devices
    {
        get => _overlay is null ? _devices : _overlay.Merged;
        init
        {
            _devices = value;
            _overlay = null;
        }
    }

    public DeviceState Device(int d) =>
        _overlay is null ? _devices[d] : d == _overlay.Index ? _overlay.State : _overlay.Base[d];

    public World WithDevice(int d, DeviceState s) => this with { Overlay = NewOverlay(d, s) };

    /// <summary>
    /// <see cref="WithDevice"/> as part of a larger <c>with</c>, so that a change to one device and
    /// to other fields makes one copy of the world: <c>w with { DeviceChange = (d, s), BusList = ... }</c>.
    /// </summary>
    internal (int Device, DeviceState State) DeviceChange
    {
        init => _overlay = NewOverlay(value.Device, value.State);
    }

    /// <summary>The overlay replacing device D: on the same base while only D changes, else on the devices as they are.</summary>
    private DeviceOverlay NewOverlay(int d, DeviceState s) =>
        _overlay is null ? new DeviceOverlay(_devices, d, s)
        : _overlay.Index == d ? new DeviceOverlay(_overlay.Base, d, s)
        : new DeviceOverlay(_overlay.Merged, d, s);

    public World WithInstance(int i, InstanceState s) => this with { Instances = Instances.SetItem(i, s) };
}

/// <summary>Devices BASE with device INDEX's state replaced by STATE; the whole array made when first read.</summary>
internal sealed class DeviceOverlay(ImmutableArray<DeviceState> @base, int index, DeviceState state)
{
    public readonly ImmutableArray<DeviceState> Base = @base;
    public readonly int Index = index;
    public readonly DeviceState State = state;
    [DerivedCache] private ImmutableArray<DeviceState> _merged;

    public ImmutableArray<DeviceState> Merged
    {
        get
        {
            var merged = _merged;
            if (merged.IsDefault)
                _merged = merged = Base.SetItem(Index, State);
            return merged;
        }
    }
}

