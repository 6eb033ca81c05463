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
    /// them), then the exact step (<see cref="ShrinkAll"/> with this one start).
    /// </summary>
    public (Counterexample Shrunk, ShrinkResult Stats) Shrink(Invariant invariant, long exactSteps = ExactSteps)
    {
        var (_, shrunk, stats) = ShrinkAll([this], invariant, exactSteps);
        return (shrunk, stats);
    }

    /// <summary>
    /// Shrinks every one of STARTS (counterexamples of INVARIANT on one machine) with
    /// <see cref="Minimizer"/>'s passes, in parallel, keeps the shortest result (the first start's
    /// among equally short ones), then runs one exact step over the machines all of them went
    /// through. The exact step is a breadth-first search for a violation of the same property
    /// (<see cref="ExactSearch"/>), bounded to one event less than the best so far, on each machine
    /// in turn, smallest first (fewest devices, drivers, instances; among equal ones the earlier
    /// start's, and of one start's the later pruned), each machine once (two starts often prune to
    /// the same devices): on each machine where that search is exhausted, no shorter
    /// counterexample exists; where it finds one, that (a shortest one there) is shrunk again,
    /// becomes the best, and the later searches are bounded by it. Searching every start's small
    /// machines, not only the best start's, bounded by the best start's length, is what proves
    /// a start's basin has nothing shorter cheaply (a pruned machine of a handful of devices to a
    /// few events is a few hundred steps). It stops when EXACTSTEPS steps have been taken in all
    /// (a count, not a time, so the result does not depend on speed or on the number of cores).
    /// Returns the index of the start the result came from.
    /// </summary>
    public static (int Start, Counterexample Shrunk, ShrinkResult Stats) ShrinkAll(IReadOnlyList<Counterexample> starts, Invariant invariant, long exactSteps = ExactSteps)
    {
        bool Fails(Candidate c) => Counterexample.Fails(c.Machine, c.Events, invariant);
        var gens = starts.Select(s => GenFor(s.Events)).ToArray();
        EnabledAt EnabledAt(int k) => (c, i) => EnabledBefore(c, i, gens[k]);
        var minimized = new ShrinkResult[starts.Count];
        Parallel.For(0, starts.Count, k =>
            minimized[k] = Minimizer.Minimize(starts[k].AsCandidate, Fails, Generation.EventGen.ProbeErrnos, EnabledAt(k)));
        int from = 0, tried = 0, accepted = 0;
        for (int k = 0; k < starts.Count; k++)
        {
            tried += minimized[k].Tried;
            accepted += minimized[k].Accepted;
            if (minimized[k].Result.Events.Length < minimized[from].Result.Events.Length)
                from = k;
        }
        var best = minimized[from].Result;

        // Every start's machines, smallest first. A start's machines only shrink along its chain
        // (each accepted machine has no more devices, drivers or instances than the one before),
        // so with one start this is its chain from the last pruned back to the start's.
        var machines = Enumerable.Range(0, starts.Count)
            .SelectMany(k => minimized[k].Machines.Select((m, i) => (Machine: m, Start: k, Later: minimized[k].Machines.Length - 1 - i)))
            .OrderBy(x => x.Machine.Devices.Length).ThenBy(x => x.Machine.Drivers.Length).ThenBy(x => x.Machine.Iommus.Length)
            .ThenBy(x => x.Start).ThenBy(x => x.Later);
        long budget = exactSteps;
        var searched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (machine, k, _) in machines)
        {
            if (budget <= 0 || best.Events.Length <= 1)
                break;
            if (!searched.Add(Key(machine)))
                continue;
            var search = ExactSearch.Shortest(machine, invariant, gens[k], best.Events.Length - 1, budget);
            budget -= search.Steps;
            tried++;
            if (search.Shortest is { } shorter && shorter.Events.Length < best.Events.Length)
            {
                var again = Minimizer.Minimize(shorter.AsCandidate, Fails, Generation.EventGen.ProbeErrnos, EnabledAt(k));
                tried += again.Tried;
                accepted += again.Accepted + 1;
                best = again.Result.Events.Length <= shorter.Events.Length ? again.Result : shorter.AsCandidate;
                from = k;
            }
            else if (!search.Exhausted)
                break; // cut short: the budget is spent
        }
        var shrunk = Replay(best.Machine, best.Events, invariant)
            ?? throw new InvalidOperationException("the shrunk counterexample no longer fails");
        return (from, shrunk, new ShrinkResult(best, tried, accepted) { Machines = minimized[from].Machines });
    }

    /// <summary>
    /// What tells apart the machines shrinking makes from one machine: the devices, drivers (with
    /// how they arrive) and instances it kept. Shrinking only drops these and makes modules
    /// built-in, so machines with one key are one machine.
    /// </summary>
    private static string Key(Machine m) =>
        string.Join("\n", m.Devices.Select(d => d.Name)) + "\n\n"
        + string.Join("\n", m.Drivers.Select(d => $"{d.Name} {d.Arrival}")) + "\n\n"
        + string.Join("\n", m.Iommus.Select(i => i.Name));

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
