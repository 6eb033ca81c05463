using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Invariants;
using Checker.Shrinkers;

namespace Checker.Properties.Exploration;

/// <summary>A failing ordering: the machine, the events (up to the one that broke it) and the violation.</summary>
public sealed record Counterexample(Machine Machine, ImmutableArray<Event> Events, Violation Violation, World Final)
{
    public Candidate AsCandidate => new(Machine, Events);

    /// <summary>
    /// Replays EVENTS on MACHINE through Step with INVARIANT checked after each one; the
    /// counterexample ends at the first violation. A sequence with an event that is not enabled
    /// when it comes (before the violation) is no ordering at all: it never counts.
    /// </summary>
    public static Counterexample? Replay(Machine machine, ImmutableArray<Event> events, Invariant invariant)
    {
        var w = Kernel.Boot(machine);
        for (int i = 0; i < events.Length; i++)
        {
            if (!Kernel.IsEnabled(w, events[i]))
                return null;
            var before = w;
            w = Kernel.Step(w, events[i]);
            if (invariant.Check(new StepView(before, events[i], w)) is { } v)
                return new Counterexample(machine, events[..(i + 1)], v, w);
        }
        return null;
    }

    /// <summary>Shrinks this counterexample, keeping only candidates on which the same invariant still fails at the last event.</summary>
    public (Counterexample Shrunk, ShrinkResult Stats) Shrink(Invariant invariant)
    {
        var result = Minimizer.Minimize(AsCandidate, c => Replay(c.Machine, c.Events, invariant) is not null, Generation.EventGen.ProbeErrnos);
        var shrunk = Replay(result.Result.Machine, result.Result.Events, invariant)
            ?? throw new InvalidOperationException("the shrunk counterexample no longer fails");
        return (shrunk, result);
    }
}
