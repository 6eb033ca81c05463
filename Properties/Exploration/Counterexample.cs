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
    public static Counterexample? Replay(Machine machine, ImmutableArray<Event> events, Invariant invariant) =>
        Replay(machine, events, invariant, quiet: false);

    /// <summary>Whether EVENTS replay on MACHINE to a violation of INVARIANT (a quiet replay: no log is formatted).</summary>
    public static bool Fails(Machine machine, ImmutableArray<Event> events, Invariant invariant) =>
        Replay(machine, events, invariant, quiet: true) is not null;

    private static Counterexample? Replay(Machine machine, ImmutableArray<Event> events, Invariant invariant, bool quiet)
    {
        var w = quiet ? Kernel.Boot(machine) with { Quiet = true } : Kernel.Boot(machine);
        var checks = new SequentialChecks([invariant]);
        for (int i = 0; i < events.Length; i++)
        {
            if (!Kernel.IsEnabled(w, events[i]))
                return null;
            var before = w;
            w = Kernel.Step(w, events[i]);
            if (checks.First(new StepView(before, events[i], w)) is { } v)
                return new Counterexample(machine, events[..(i + 1)], v, w);
        }
        return null;
    }

    /// <summary>Steps the exact step of <see cref="Shrink"/> may take in all, over every machine it searches.</summary>
    public const long ExactSteps = 50_000;

    /// <summary>
    /// Shrinks this counterexample, keeping only candidates on which the same invariant still
    /// fails at the last event: first <see cref="Minimizer"/>'s passes to their fixpoint (deletion,
    /// then reordering and replacement by events enabled at the same point, machine pruning between
    /// them), then the exact step. The exact step runs a breadth-first search for a shorter
    /// violation of the same property (<see cref="ExactSearch"/>), bounded to one event less than
    /// the best so far, on the machines the shrinking went through, smallest first: on each machine
    /// where that search is exhausted, no shorter counterexample exists; where it finds one, that
    /// (a shortest one there) is shrunk again and becomes the best. It stops when EXACTSTEPS steps
    /// have been taken in all (a count, not a time, so the result does not depend on speed).
    /// </summary>
    public (Counterexample Shrunk, ShrinkResult Stats) Shrink(Invariant invariant, long exactSteps = ExactSteps)
    {
        var gen = GenFor(Events);
        bool Fails(Candidate c) => Counterexample.Fails(c.Machine, c.Events, invariant);
        IEnumerable<Event> EnabledAt(Candidate c, int i) => EnabledBefore(c, i, gen);
        var result = Minimizer.Minimize(AsCandidate, Fails, Generation.EventGen.ProbeErrnos, EnabledAt);
        var best = result.Result;
        int tried = result.Tried, accepted = result.Accepted;
        long budget = exactSteps;
        var searched = new HashSet<Machine>();
        var machines = result.Machines;
        for (int k = machines.Length - 1; k >= 0 && budget > 0 && best.Events.Length > 1; k--)
        {
            if (!searched.Add(machines[k]))
                continue;
            var search = ExactSearch.Shortest(machines[k], invariant, gen, best.Events.Length - 1, budget);
            budget -= search.Steps;
            tried++;
            if (search.Shortest is { } shorter && shorter.Events.Length < best.Events.Length)
            {
                var again = Minimizer.Minimize(shorter.AsCandidate, Fails, Generation.EventGen.ProbeErrnos, EnabledAt);
                tried += again.Tried;
                accepted += again.Accepted + 1;
                best = again.Result.Events.Length <= shorter.Events.Length ? again.Result : shorter.AsCandidate;
            }
            else if (!search.Exhausted)
                break; // cut short: nothing proved here, and a bigger machine would cost more
        }
        var shrunk = Replay(best.Machine, best.Events, invariant)
            ?? throw new InvalidOperationException("the shrunk counterexample no longer fails");
        return (shrunk, new ShrinkResult(best, tried, accepted) { Machines = result.Machines });
    }

    /// <summary>The events the generator may draw for EVENTS: the default kinds, and the fault injections too if EVENTS has one.</summary>
    public static Generation.GenConfig GenFor(ImmutableArray<Event> events) =>
        events.Any(e => e is FailNextProbe or FailNextAttach or FailDomainAlloc) ? Generation.GenConfig.Default.WithFaults() : Generation.GenConfig.Default;

    /// <summary>The events enabled after the first I events of C (none if that prefix does not replay).</summary>
    public static IEnumerable<Event> EnabledBefore(Candidate c, int i, Generation.GenConfig gen)
    {
        var w = Kernel.Boot(c.Machine) with { Quiet = true };
        for (int k = 0; k < i; k++)
        {
            if (!Kernel.IsEnabled(w, c.Events[k]))
                return [];
            w = Kernel.Step(w, c.Events[k]);
        }
        return [.. Generation.EventGen.Candidates(w, gen).Select(x => x.Event)];
    }
}
