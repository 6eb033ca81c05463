using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Invariants;

namespace Checker.Properties.Exploration;

/// <summary>An event with the `at:` time (µs) a script gave it, if any.</summary>
public readonly record struct TimedEvent(Event Event, long? AtMicros);

/// <summary>A violation and the 0-based index of the step that broke it.</summary>
public sealed record FoundViolation(Violation Violation, int Step);

/// <summary>The outcome of running events through Step with the invariants checked after each one.</summary>
public sealed record RunResult(World Final, ImmutableArray<TimedEvent> Events, ImmutableArray<FoundViolation> Violations)
{
    public FoundViolation? First => Violations.IsEmpty ? null : Violations[0];
}

/// <summary>Runs event sequences through <see cref="Kernel.Step(World, Event, long?)"/>, checking invariants after every step.</summary>
public static class Runner
{
    /// <summary>
    /// Runs EVENTS from the boot state. With STOPATFIRST the run ends at the first violation;
    /// otherwise every distinct violation (property and devices) is kept, in order.
    /// </summary>
    public static RunResult Run(Machine m, IEnumerable<TimedEvent> events, ImmutableArray<Invariant> invariants, bool stopAtFirst)
    {
        var w = Kernel.Boot(m);
        var done = ImmutableArray.CreateBuilder<TimedEvent>();
        var found = ImmutableArray.CreateBuilder<FoundViolation>();
        var seen = new HashSet<string>();
        var checks = new SequentialChecks(invariants);
        bool stop = false;
        foreach (var next in events)
        foreach (var e in TimeoutBefore(w, next) is { } timeout ? [timeout, next] : new[] { next })
        {
            var before = w;
            w = Kernel.Step(w, e.Event, e.AtMicros);
            done.Add(e);
            checks.Check(new StepView(before, e.Event, w), (_, v, reused) =>
            {
                // A reused answer is the step before's violation, already seen.
                if (!reused && seen.Add(v.Property + "|" + string.Join(",", v.Devices)))
                    found.Add(new FoundViolation(v, done.Count - 1));
                stop = stopAtFirst;
                return !stop;
            });
            if (stop)
                return new RunResult(w, done.ToImmutable(), found.ToImmutable());
        }
        return new RunResult(w, done.ToImmutable(), found.ToImmutable());
    }

    /// <summary>
    /// 6.15: the deferred-probe timeout fires at its time among a script's timed actions, so it
    /// comes before NEXT when NEXT is scripted after it (<see cref="ScriptTimeline.Side"/>, the
    /// rule every ordering keeps) or NEXT's `at:` is at or past it (never twice, never before itself).
    /// </summary>
    public static TimedEvent? TimeoutBefore(World w, TimedEvent next) =>
        next.Event is not DeferredProbeTimeout && Kernel.DeferredProbeTimeoutDue(w) is long due
            && (next.AtMicros >= due || (next.AtMicros is not null && w.Machine.Index.Timeline.Side(next.Event) == TimeoutSide.After))
            ? new TimedEvent(new DeferredProbeTimeout(), due)
            : null;

    /// <summary>What the script's end still has coming: queued deferred work, then (6.15) the timeout at its time.</summary>
    public static TimedEvent? AfterScript(World w) =>
        w.WorkQueued ? new TimedEvent(new DeferredWork(), null)
        : Kernel.DeferredProbeTimeoutDue(w) is long due ? new TimedEvent(new DeferredProbeTimeout(), due)
        : null;

    /// <summary>The scenario's script with `boot` expanded into its events, then deferred work until quiescence.</summary>
    public static IEnumerable<TimedEvent> ScriptEvents(Machine m)
    {
        foreach (var action in m.Script)
        {
            if (action.Event is Boot)
            {
                bool first = true;
                foreach (var e in Kernel.BootEvents(m))
                {
                    yield return new TimedEvent(e, first ? action.AtMicros : null);
                    first = false;
                }
            }
            else
                yield return new TimedEvent(action.Event, action.AtMicros);
        }
    }

    /// <summary>Runs the scenario's script to quiescence (queued deferred work is run at the end), keeping every violation.</summary>
    public static RunResult RunScript(Machine m, ImmutableArray<Invariant> invariants)
    {
        var result = Run(m, ScriptEvents(m), invariants, stopAtFirst: false);
        var events = result.Events.ToList();
        var w = result.Final;
        var extra = new List<TimedEvent>();
        while (AfterScript(w) is { } next && extra.Count < 1000)
        {
            extra.Add(next);
            w = Kernel.Step(w, next.Event, next.AtMicros);
        }
        return extra.Count == 0 ? result : Run(m, events.Concat(extra), invariants, stopAtFirst: false);
    }
}
