using System.Runtime.CompilerServices;
using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using FsCheck;
using FsCheck.Fluent;

namespace Checker.Properties.Generation;

/// <summary>
/// State-dependent generation: every event is drawn from those enabled in the current World, so
/// every generated sequence is a real ordering (parents before children, a driver registered once,
/// deferred work only when queued). This is why the loop is ours and not FsCheck's Machine.
/// </summary>
public static class EventGen
{
    /// <summary>Errnos a `fail-next-probe` injects, mildest first (the shrinker walks this order).</summary>
    public static readonly ImmutableArray<int> ProbeErrnos = [Errno.EPROBE_DEFER, Errno.ENODEV, Errno.ENOMEM];

    /// <summary>The events enabled in W, grouped by kind, in a fixed order.</summary>
    public static IEnumerable<(EventKind Kind, Event Event)> Enabled(World w)
    {
        var all = new List<(EventKind, Event)>();
        Collect(w, null, all);
        return all;
    }

    /// <summary>
    /// The candidates of <see cref="Enabled"/> that have a non-zero weight in CONFIG and that
    /// Step accepts in W (<see cref="Kernel.IsEnabled"/>), with their weights, in the same order,
    /// appended to INTO. Kinds that weigh nothing are skipped before any event is made.
    /// </summary>
    public static void Candidates(World w, GenConfig config, List<(EventKind Kind, Event Event)> into)
    {
        int first = into.Count;
        Collect(w, KindWeights.Of(config), into, skipDisabled: true);
        int kept = first;
        for (int i = first; i < into.Count; i++)
            if (Kernel.IsEnabled(w, into[i].Event))
                into[kept++] = into[i];
        into.RemoveRange(kept, into.Count - kept);
    }

    /// <summary>The candidates of <see cref="Enabled"/> that are in fact enabled and have a non-zero weight.</summary>
    public static ImmutableArray<(int Weight, Event Event)> Candidates(World w, GenConfig config)
    {
        var found = _found ??= [];
        found.Clear();
        Candidates(w, config, found);
        var weights = KindWeights.Of(config);
        var candidates = ImmutableArray.CreateBuilder<(int, Event)>(found.Count);
        foreach (var (kind, e) in found)
            candidates.Add((weights[(int)kind], e));
        return candidates.MoveToImmutable();
    }

    /// <summary>Per-thread list of a state's candidates, for the weighted copy <see cref="Candidates(World, GenConfig)"/> returns.</summary>
    [ThreadStatic] private static List<(EventKind Kind, Event Event)>? _found;

    /// <summary>
    /// Per device of one machine (the last one asked on this thread): <see cref="NotAtBoot"/> for a
    /// device not present at boot, else its parent bridge, or -1 when it has none.
    /// </summary>
    private static class BootParents
    {
        public const int NotAtBoot = -2;

        [ThreadStatic] private static Machine? _machine;
        [ThreadStatic] private static int[]? _parents;

        public static int[] Of(Machine m)
        {
            if (!ReferenceEquals(m, _machine) || _parents is null)
            {
                var parents = new int[m.Devices.Length];
                foreach (var d in m.Devices)
                    parents[d.Index] = !d.PresentAtBoot ? NotAtBoot : d.Pci?.ParentBridge ?? -1;
                (_machine, _parents) = (m, parents);
            }
            return _parents;
        }
    }

    /// <summary>Per-thread room for a world's devices, read once each by <see cref="Collect"/>.</summary>
    [ThreadStatic] private static DeviceState[]? _devices;

    /// <summary>
    /// Appends W's candidate events to INTO in the fixed order, leaving out the kinds WEIGHTS gives
    /// 0 (none if null). With SKIPDISABLED it also leaves out candidates that
    /// <see cref="Kernel.IsEnabled"/> is sure to refuse, before making them (the caller filters
    /// the rest): before the initcalls are done, every userspace and hotplug kind (sysfs bind and
    /// unbind, sriov_numvfs, modprobe, rmmod, hot-add, hot-remove: refused for want of userspace,
    /// or for a reason of their own); and the add of a device whose parent bridge is not present.
    /// On a big machine in mid-boot these are most candidates of each step, so Candidates makes
    /// and tests only the devices that can come next rather than every device.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Collect(World w, int[]? weights, List<(EventKind, Event)> into, bool skipDisabled = false)
    {
        var m = w.Machine;
        bool userspace = !skipDisabled || w.InitcallsDone;
        bool On(EventKind k) => weights is null || weights[(int)k] > 0;
        if (_devices is null || _devices.Length < m.Devices.Length)
            _devices = new DeviceState[m.Devices.Length];
        var devices = _devices;
        w.CopyDevicesTo(devices);
        if (skipDisabled && !userspace && !On(EventKind.FailNextProbe) && !On(EventKind.FailNextAttach))
        {
            // Before userspace and without fault injection a device's only candidate is its add:
            // read from a flat array of boot parents rather than from each device's facts.
            if (On(EventKind.Add))
            {
                var parents = BootParents.Of(m);
                for (int i = 0; i < parents.Length; i++)
                {
                    int parent = parents[i];
                    if (parent != BootParents.NotAtBoot && !devices[i].EverAdded && (parent < 0 || devices[parent].Present))
                        into.Add((EventKind.Add, new AddDevice(i)));
                }
            }
        }
        else
        foreach (var d in m.Devices)
        {
            int i = d.Index;
            var s = devices[i];
            if (d.PresentAtBoot && !s.EverAdded)
            {
                if (On(EventKind.Add) && !(skipDisabled && d.Pci?.ParentBridge is int parent && !devices[parent].Present))
                    into.Add((EventKind.Add, new AddDevice(i)));
            }
            else if (!s.Present && d.Pci?.IsVf != true && userspace && On(EventKind.HotAdd))
                into.Add((EventKind.HotAdd, new HotAdd(i)));
            if (s.Present)
            {
                if (userspace && On(EventKind.HotRemove))
                    into.Add((EventKind.HotRemove, new HotRemove(i)));
                if (s.IsBound)
                {
                    if (userspace && On(EventKind.Unbind))
                        into.Add((EventKind.Unbind, new Unbind(i)));
                }
                else if (userspace && On(EventKind.Bind))
                    foreach (int drv in m.Index.DriversMatching[i])
                        into.Add((EventKind.Bind, new Bind(i, drv)));
                if (On(EventKind.FailNextProbe))
                    foreach (int errno in ProbeErrnos)
                        into.Add((EventKind.FailNextProbe, new FailNextProbe(i, errno)));
                if (d.Iommu is not null && On(EventKind.FailNextAttach))
                    into.Add((EventKind.FailNextAttach, new FailNextAttach(i)));
                if (!m.Index.VirtualFunctions[i].IsEmpty && userspace && On(EventKind.SriovEnable))
                    into.Add((EventKind.SriovEnable, new SriovEnable(i, 1)));
            }
        }
        foreach (var drv in m.Drivers)
        {
            if (drv.Arrival.Builtin)
            {
                if (On(EventKind.Register))
                    into.Add((EventKind.Register, new RegisterDriver(drv.Index)));
            }
            else if (userspace)
            {
                if (On(EventKind.Modprobe))
                    into.Add((EventKind.Modprobe, new Modprobe(drv.Index)));
                if (On(EventKind.Rmmod))
                    into.Add((EventKind.Rmmod, new Rmmod(drv.Index)));
            }
        }
        if (On(EventKind.FailDomainAlloc))
            foreach (var iommu in m.Iommus)
                into.Add((EventKind.FailDomainAlloc, new FailDomainAlloc(iommu.Index)));
        if (On(EventKind.LateInitcall))
            into.Add((EventKind.LateInitcall, new LateInitcall()));
        if (On(EventKind.DeferredWork))
            into.Add((EventKind.DeferredWork, new DeferredWork()));
        if (w.Variants.Era == KernelEra.V6_15 && On(EventKind.DeferredProbeTimeout))
            into.Add((EventKind.DeferredProbeTimeout, new DeferredProbeTimeout()));
    }

    /// <summary>A config's weights as an array by kind, made once per config and thread.</summary>
    private static class KindWeights
    {
        [ThreadStatic] private static GenConfig? _config;
        [ThreadStatic] private static int[]? _weights;

        public static int[] Of(GenConfig config)
        {
            if (!ReferenceEquals(config, _config) || _weights is null)
            {
                var weights = new int[Enum.GetValues<EventKind>().Length];
                foreach (var (kind, weight) in config.Weights)
                    weights[(int)kind] = weight;
                (_config, _weights) = (config, weights);
            }
            return _weights;
        }
    }

    /// <summary>One event enabled in W, drawn by weight; null when nothing is enabled.</summary>
    public static Gen<Event>? NextEvent(World w, GenConfig config)
    {
        var candidates = Candidates(w, config);
        if (candidates.IsEmpty)
            return null;
        return Gen.Choose(0, int.MaxValue).Select(choice => Pick(candidates, choice));
    }

    /// <summary>
    /// Decodes one random CHOICE (a non-negative int) into one of the weighted CANDIDATES: the
    /// choice modulo the total weight falls in exactly one candidate's share.
    /// </summary>
    public static Event Pick(ImmutableArray<(int Weight, Event Event)> candidates, int choice)
    {
        int total = 0;
        foreach (var c in candidates)
            total += c.Weight;
        int at = choice % total;
        foreach (var (weight, e) in candidates)
        {
            if (at < weight)
                return e;
            at -= weight;
        }
        throw new InvalidOperationException("unreachable: the choice is below the total weight");
    }

    /// <summary>The random choices of one sequence: one non-negative int per step, drawn by FsCheck.</summary>
    public static Gen<int[]> Choices(Machine m, GenConfig config) =>
        Gen.ArrayOf(Gen.Choose(0, int.MaxValue), config.MaxSteps(m));

    /// <summary>
    /// A sequence of up to MaxSteps events, each drawn from the state the previous ones led to
    /// (<see cref="NextEvent"/>, decoded from one choice per step).
    /// </summary>
    public static Gen<ImmutableArray<Event>> Sequence(Machine m, GenConfig config) =>
        Choices(m, config).Select(choices => Decode(m, config, choices));

    /// <summary>Replays CHOICES against the machine: step by step, each choice picks among the events enabled then.</summary>
    public static ImmutableArray<Event> Decode(Machine m, GenConfig config, int[] choices)
    {
        var w = Kernel.Boot(m);
        var events = ImmutableArray.CreateBuilder<Event>(choices.Length);
        foreach (int choice in choices)
        {
            var candidates = Candidates(w, config);
            if (candidates.IsEmpty)
                break;
            var e = Pick(candidates, choice);
            events.Add(e);
            w = Kernel.Step(w, e);
        }
        return events.ToImmutable();
    }

    /// <summary>Draws one value of GEN deterministically from SEED (FsCheck's splittable Rnd).</summary>
    public static T Draw<T>(Gen<T> gen, ulong seed, int size = 100) => Gen.Sample(gen, size, new Rnd(seed), 1)[0];
}
