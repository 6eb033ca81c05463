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
        var m = w.Machine;
        foreach (var d in m.Devices)
        {
            int i = d.Index;
            var s = w.Devices[i];
            if (d.PresentAtBoot && !s.EverAdded)
                yield return (EventKind.Add, new AddDevice(i));
            else if (!s.Present && d.Pci?.IsVf != true)
                yield return (EventKind.HotAdd, new HotAdd(i));
            if (s.Present)
            {
                yield return (EventKind.HotRemove, new HotRemove(i));
                if (s.IsBound)
                    yield return (EventKind.Unbind, new Unbind(i));
                else
                    foreach (int drv in m.Index.DriversMatching[i])
                        yield return (EventKind.Bind, new Bind(i, drv));
                foreach (int errno in ProbeErrnos)
                    yield return (EventKind.FailNextProbe, new FailNextProbe(i, errno));
                if (d.Iommu is not null)
                    yield return (EventKind.FailNextAttach, new FailNextAttach(i));
                if (!m.Index.VirtualFunctions[i].IsEmpty)
                    yield return (EventKind.SriovEnable, new SriovEnable(i, 1));
            }
        }
        foreach (var drv in m.Drivers)
        {
            yield return drv.Arrival.Builtin ? (EventKind.Register, new RegisterDriver(drv.Index)) : (EventKind.Modprobe, new Modprobe(drv.Index));
            if (!drv.Arrival.Builtin)
                yield return (EventKind.Rmmod, new Rmmod(drv.Index));
        }
        foreach (var iommu in m.Iommus)
            yield return (EventKind.FailDomainAlloc, new FailDomainAlloc(iommu.Index));
        yield return (EventKind.LateInitcall, new LateInitcall());
        yield return (EventKind.DeferredWork, new DeferredWork());
    }

    /// <summary>The candidates of <see cref="Enabled"/> that are in fact enabled and have a non-zero weight.</summary>
    public static ImmutableArray<(int Weight, Event Event)> Candidates(World w, GenConfig config) =>
        Enabled(w)
            .Where(c => config.Weights.GetValueOrDefault(c.Kind) > 0 && Kernel.IsEnabled(w, c.Event))
            .Select(c => (config.Weights[c.Kind], c.Event))
            .ToImmutableArray();

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
