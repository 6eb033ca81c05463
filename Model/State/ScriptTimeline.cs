using System.Collections.Immutable;
using Checker.Model.Events;

namespace Checker.Model.State;

/// <summary>Where a timed script action falls against the 6.15 deferred-probe timeout of its script.</summary>
public enum TimeoutSide
{
    /// <summary>Not timed (or timed on both sides): free against the timeout, as the kernel leaves it.</summary>
    Free,
    /// <summary>Every `at:` of the action is before the timeout: it comes before it in every ordering.</summary>
    Before,
    /// <summary>Every `at:` of the action is at or after the timeout: it comes after it in every ordering.</summary>
    After,
}

/// <summary>
/// The script's times, as every ordering of the scenario keeps them (docs/semantics.md, "Events",
/// "Timed actions"): each action with an `at:` happens at that time, and the 6.15 deferred-probe
/// timeout, `kernel.deferred-probe-timeout` seconds after the script's late_initcall, falls between
/// them by time. Derived from the machine alone, so every ordering, replay and explorer state of a
/// machine reads the same answers.
/// </summary>
public sealed class ScriptTimeline
{
    /// <summary>Per timed event (an action other than `boot`, `wait` and the kernel's own steps), its `at:` times, ascending.</summary>
    private readonly ImmutableDictionary<Event, ImmutableArray<long>> _times;

    /// <summary>
    /// The clock (µs) of the script's late_initcall, counting 1 ms per event as Step does and no
    /// log lines (which only a logged run has); when the script has no `boot`, that of a boot
    /// run first.
    /// </summary>
    public long LateInitcallMicros { get; }

    /// <summary>The script's deferred-probe timeout (µs): its late_initcall plus the machine's delay.</summary>
    public long TimeoutMicros { get; }

    public bool IsEmpty => _times.IsEmpty;

    public ScriptTimeline(Machine m)
    {
        int bootEvents = m.Devices.Count(d => d.PresentAtBoot) + m.Drivers.Count(d => d.Arrival.Builtin) + 1;
        long clock = 0;
        long? lateInitcall = null;
        var times = new Dictionary<Event, List<long>>();
        foreach (var action in m.Script)
        {
            clock = action.AtMicros is long at && at > clock ? at : clock + 1000;
            if (action.Event is Boot)
            {
                clock += (bootEvents - 1) * 1000L;
                lateInitcall ??= clock;
            }
            else if (action.AtMicros is long at2 && IsTimed(action.Event))
            {
                if (!times.TryGetValue(action.Event, out var list))
                    times[action.Event] = list = [];
                list.Add(at2);
            }
        }
        _times = times.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Order().ToImmutableArray());
        LateInitcallMicros = lateInitcall ?? bootEvents * 1000L;
        TimeoutMicros = LateInitcallMicros + m.DeferredProbeTimeout * 1_000_000L;
    }

    /// <summary>The kernel's own steps and the boot macro take no time from the script outside it.</summary>
    private static bool IsTimed(Event e) => e is not (Boot or DeferredWork or DeferredProbeTimeout or LateInitcall);

    /// <summary>The first `at:` of E later than CLOCK (µs), if E is timed and has one left.</summary>
    public long? NextTime(Event e, long clock)
    {
        if (_times.IsEmpty || !_times.TryGetValue(e, out var times))
            return null;
        foreach (long t in times)
            if (t > clock)
                return t;
        return null;
    }

    /// <summary>Where E falls against the timeout.</summary>
    public TimeoutSide Side(Event e)
    {
        if (_times.IsEmpty || !_times.TryGetValue(e, out var times))
            return TimeoutSide.Free;
        if (times[^1] < TimeoutMicros)
            return TimeoutSide.Before;
        return times[0] >= TimeoutMicros ? TimeoutSide.After : TimeoutSide.Free;
    }

    /// <summary>The `at:` times of E (empty when untimed), for messages.</summary>
    public ImmutableArray<long> Times(Event e) => _times.TryGetValue(e, out var times) ? times : [];
}
