using System.Collections.Immutable;
using System.Globalization;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Tests.Support;

/// <summary>Builds small machines in code for tests, with the same shape the scenario loader produces.</summary>
public sealed class MachineBuilder(Arch arch = Arch.Arm64)
{
    private readonly List<DeviceSpec> _devices = [];
    private readonly List<DriverSpec> _drivers = [];
    private readonly List<IommuSpec> _iommus = [];
    private readonly List<HostBridge> _bridges = [];
    private Variants _variants = Variants.Default;

    public MachineBuilder Variant(string key, string value)
    {
        _variants = Variants.TryWith(_variants, key, value).Result ?? throw new ArgumentException(value);
        return this;
    }

    public MachineBuilder Platform(string name, Firmware fw = Firmware.Dt, string? iommu = null, bool coherent = false,
        int maskBits = 32, DmaRange? ranges = null, bool present = true, BusKind bus = BusKind.Platform)
    {
        _devices.Add(new DeviceSpec(_devices.Count, name, bus, fw, iommu is null ? null : Iommu(iommu), coherent, ranges,
            maskBits, present, null, SourceLine.None));
        return this;
    }

    public MachineBuilder HostBridge(string domain, string rootBus, Firmware fw, string? iommu)
    {
        _bridges.Add(new HostBridge(int.Parse(domain, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            int.Parse(rootBus, NumberStyles.HexNumber, CultureInfo.InvariantCulture), fw, iommu is null ? null : Iommu(iommu), SourceLine.None));
        return this;
    }

    public MachineBuilder Pci(string name, PcieType type, string? parent = null, bool multifunction = false,
        AcsFlags acs = AcsFlags.None, bool acsQuirk = false, string[]? aliasOf = null, string? physfn = null,
        bool present = true, bool coherent = false)
    {
        var parts = name.Split(':', '.');
        int domain = int.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        int busNo = int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        int devfn = (int.Parse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 3) | int.Parse(parts[3], CultureInfo.InvariantCulture);
        var hb = _bridges.Single(b => b.Domain == domain);
        var pci = new PciInfo(domain, busNo, devfn, parent is null ? null : Dev(parent), type, multifunction, acs, acsQuirk,
            (aliasOf ?? []).Select(Dev).ToImmutableArray(), physfn is null ? null : Dev(physfn));
        _devices.Add(new DeviceSpec(_devices.Count, name, BusKind.Pci, hb.Firmware, hb.Iommu, coherent, null, 32,
            present, pci, SourceLine.None));
        return this;
    }

    /// <summary>An IOMMU instance; its device and driver are named here and must be added with Platform() and Driver().</summary>
    public MachineBuilder Iommu(string name, string? device, string? driver, int? contexts = null, bool deferForever = false)
    {
        _iommus.Add(new IommuSpec(_iommus.Count, name, null, null, contexts, deferForever, SourceLine.None));
        _pendingIommuLinks.Add((name, device, driver));
        return this;
    }

    private readonly List<(string Name, string? Device, string? Driver)> _pendingIommuLinks = [];

    public MachineBuilder Driver(string name, BusKind bus, string[] matches, bool module = false, ProbeBehaviourSpec? probe = null,
        bool armIommuAttach = false)
    {
        var arrival = module ? DriverArrival.Module() : new DriverArrival(true, InitcallLevel.Device, _drivers.Count);
        _drivers.Add(new DriverSpec(_drivers.Count, name, bus, matches.Select(Dev).ToImmutableArray(), arrival,
            ProbeBehaviour.Succeeds, armIommuAttach, SourceLine.None));
        if (probe is not null)
            _pendingProbes.Add((_drivers.Count - 1, probe));
        return this;
    }

    private readonly List<(int Driver, ProbeBehaviourSpec Spec)> _pendingProbes = [];

    public MachineBuilder Script(params string[] actions)
    {
        _scriptText.AddRange(actions);
        return this;
    }

    private readonly List<string> _scriptText = [];

    public Machine Build(string name = "test")
    {
        var iommus = _iommus.Select((i, k) => i with
        {
            Device = _pendingIommuLinks[k].Device is { } d ? Dev(d) : null,
            Driver = _pendingIommuLinks[k].Driver is { } drv ? _drivers.FindIndex(x => x.Name == drv) : null,
        }).ToImmutableArray();
        var drivers = _drivers.ToList();
        foreach (var (drv, spec) in _pendingProbes)
            drivers[drv] = drivers[drv] with { Probe = spec.Resolve(Dev) };
        var m = new Machine(name, arch, _variants, [.. _devices], [.. drivers], iommus, [.. _bridges], []);
        var script = _scriptText.Select(t =>
        {
            var (e, err) = EventText.Parse(m, t);
            return new ScriptAction(e ?? throw new ArgumentException(err), null, SourceLine.None);
        }).ToImmutableArray();
        return m with { Script = script };
    }

    private int Dev(string name)
    {
        int i = _devices.FindIndex(d => d.Name == name);
        return i >= 0 ? i : throw new ArgumentException($"no device {name} yet");
    }

    private int Iommu(string name)
    {
        int i = _iommus.FindIndex(d => d.Name == name);
        return i >= 0 ? i : throw new ArgumentException($"no iommu {name} yet");
    }
}

/// <summary>A probe behaviour written with device names, resolved when the machine is built.</summary>
public sealed record ProbeBehaviourSpec(int? FailErrno = null, string? DeferUntilBound = null)
{
    public ProbeBehaviour Resolve(Func<string, int> dev) =>
        FailErrno is int e ? new ProbeBehaviour.FailsWith(e)
        : DeferUntilBound is { } s ? new ProbeBehaviour.DefersUntilBound(dev(s))
        : ProbeBehaviour.Succeeds;
}
