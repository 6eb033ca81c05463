using System.Collections.Immutable;
using System.Diagnostics;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;
using Checker.Shrinkers;

namespace Checker.Properties.Exhaustive;

/// <summary>One part of a decomposed exploration: the devices of its cluster, and what its own exploration did.</summary>
public sealed record PartWork(ImmutableArray<string> Devices, long States, long Transitions, int Depth);

/// <summary>What a decomposition tried, whether it decided the run, and why not when it did not.</summary>
public sealed record DecompositionResult(bool Decided, ImmutableArray<PartWork> Parts, string? Undecided)
{
    public long States => Parts.Sum(p => p.States);
    public long Transitions => Parts.Sum(p => p.Transitions);
    public int Depth => Parts.IsEmpty ? 0 : Parts.Max(p => p.Depth);
}

/// <summary>
/// Exploration by parts (docs/explore.md, "Decomposition"). Where no deferral can outlive
/// late_initcall's first pass (<see cref="Reduction.Relations.DeferralsEndAtLateInitcall"/>), the
/// clusters of a machine (<see cref="Reduction.Relations.Cluster"/>) touch each other only through
/// the deferred-probe flags and the work item, never through a device, a list order or a group
/// that an invariant reads: each cluster is then explored as a machine of its own, with the other
/// clusters' binds as an environment step (<see cref="Kernel.ForeignTrigger"/>). Every state the
/// whole machine reaches is, restricted to a cluster, a state its part reaches, and each invariant
/// reads one cluster at a time; so when every part is exhausted without a violation, no reachable
/// state of the whole machine breaks an invariant, at any depth. A part that breaks one decides
/// nothing (its environment may be more than the other clusters can do): the run then explores the
/// whole machine, as it would have without decomposition.
/// </summary>
public static class Decomposition
{
    /// <summary>A part with more states than this is not exhausted: the run explores the whole machine instead.</summary>
    public const int MaxPartStates = 500_000;

    /// <summary>Why M cannot be explored by parts under OPTIONS, or null when it can.</summary>
    public static string? WhyNot(Machine m, ExploreOptions options)
    {
        if (options.Strategy != Strategy.Bfs)
            return "only breadth-first exploration is decomposed";
        if (options.PartialOrder)
            return "--por explores the whole machine";
        if (!options.Reduce)
            return "--no-reduce explores the whole machine";
        if (options.KeepVisited)
            return "the run keeps the whole machine's visited states";
        foreach (var kind in new[] { EventKind.FailNextProbe, EventKind.FailNextAttach, EventKind.FailDomainAlloc })
            if (options.Gen.Weights.GetValueOrDefault(kind) != 0)
                return "fault injections can leave a deferral after late_initcall";
        if (Reduction.Of(m) is not { } r)
            return $"more than {Reduction.MaxElements} devices or drivers";
        if (r.Clusters < 2)
            return "one cluster";
        if (!r.DeferralsEndAtLateInitcall)
            return "a deferral can outlive late_initcall (docs/explore.md, \"When clusters apply\")";
        return TimedActionMoves(m);
    }

    /// <summary>
    /// 6.15 keeps a timed action on its side of the deferred-probe timeout (ScriptTimeline): a part,
    /// with fewer boot events, has an earlier timeout, so a part whose timed action would change
    /// side is not the machine's. Null when none does (always on 5.3, where times order nothing).
    /// </summary>
    private static string? TimedActionMoves(Machine m)
    {
        if (m.Variants.Era != KernelEra.V6_15 || m.Index.Timeline.IsEmpty)
            return null;
        var whole = m.Script.Where(a => a.AtMicros is not null)
            .GroupBy(a => Model.Events.EventText.Format(m, a.Event))
            .ToDictionary(g => g.Key, g => m.Index.Timeline.Side(g.First().Event));
        foreach (var (part, _) in Parts(m))
            foreach (var a in part.Script.Where(a => a.AtMicros is not null))
            {
                var text = Model.Events.EventText.Format(part, a.Event);
                if (whole.TryGetValue(text, out var side) && part.Index.Timeline.Side(a.Event) != side)
                    return $"the timed action '{text}' falls on the other side of the deferred-probe timeout in its part";
            }
        return null;
    }

    /// <summary>The parts of M: per cluster (in the order of their first devices), M without the other clusters' devices, and the names of its devices.</summary>
    public static ImmutableArray<(Machine Machine, ImmutableArray<string> Devices)> Parts(Machine m)
    {
        var r = Reduction.Of(m) ?? throw new ArgumentException("machine too large for clusters", nameof(m));
        var parts = ImmutableArray.CreateBuilder<(Machine, ImmutableArray<string>)>(r.Clusters);
        for (int c = 0; c < r.Clusters; c++)
        {
            var others = m.Devices.Where(d => r.ClusterIndex[d.Index] != c).Select(d => d.Index).ToList();
            var own = m.Devices.Where(d => r.ClusterIndex[d.Index] == c).Select(d => d.Index).ToHashSet();
            // An instance none of whose masters, nor its own device, is in the cluster has no part in it.
            var iommus = m.Iommus.Where(i => !(i.Device is int x && own.Contains(x)) && !m.Devices.Any(d => d.Iommu == i.Index && own.Contains(d.Index)))
                .Select(i => i.Index).ToList();
            var part = MachineEdit.Without(new Candidate(m, []), others, [], iommus).Machine;
            parts.Add((part, [.. own.Order().Select(d => m.Devices[d].Name)]));
        }
        return parts.MoveToImmutable();
    }

    /// <summary>
    /// Explores every part of M (applicable: <see cref="WhyNot"/> is null) to exhaustion, on every
    /// core, one part per worker. Decided when every part closes without a violation of OPTIONS'
    /// invariants; the first violation, a part past <see cref="MaxPartStates"/>, the time budget
    /// (counted on CLOCK) or Ctrl-C leaves it undecided.
    /// </summary>
    public static DecompositionResult Run(Machine m, ExploreOptions options, Stopwatch clock)
    {
        var parts = Parts(m);
        var results = new (PartWork Work, string? Undecided)[parts.Length];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.Cancel);
        Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            results[k] = ExplorePart(parts[k].Machine, parts[k].Devices, options, clock, stop.Token);
            if (results[k].Undecided is not null)
                stop.Cancel();
        });
        // The first undecided part in part order names the reason, unless it stopped only because
        // another did (or the time budget or Ctrl-C stopped it).
        string? undecided = results.Select(x => x.Undecided).FirstOrDefault(u => u is not null && u != Cancelled)
            ?? (results.Any(x => x.Undecided is not null)
                ? options.Cancel.IsCancellationRequested ? "interrupted (Ctrl-C)" : "stopped by the time budget"
                : null);
        return new DecompositionResult(undecided is null, [.. results.Select(x => x.Work)], undecided);
    }

    private const string Cancelled = "cancelled";

    /// <summary>
    /// Breadth-first over one part, with the environment step; every transition's invariants
    /// checked. The reason it is undecided, or null when it closed without a violation.
    /// </summary>
    public static (PartWork Work, string? Undecided) ExplorePart(Machine part, ImmutableArray<string> devices, ExploreOptions options,
        Stopwatch clock, CancellationToken stop)
    {
        var boot = Successors.Stored(Kernel.Boot(part));
        var visited = new HashSet<ulong> { Fingerprint.Of(boot, options.Reduce, clusters: false, options.Symmetric) };
        var level = new List<World> { boot };
        var candidates = new List<(EventKind, Model.Events.Event)>();
        long transitions = 0;
        int depth = 0;
        PartWork Work() => new(devices, visited.Count, transitions, depth);
        while (level.Count > 0)
        {
            var next = new List<World>();
            foreach (var w in level)
            {
                if (stop.IsCancellationRequested || options.OutOfTime(clock))
                    return (Work(), Cancelled);
                candidates.Clear();
                EventGen.Candidates(w, options.Gen, candidates);
                int count = candidates.Count + (ForeignBindPossible(w) ? 1 : 0);
                for (int i = 0; i < count; i++)
                {
                    var e = i < candidates.Count ? candidates[i].Item2 : null;
                    var after = e is null ? Kernel.ForeignTrigger(w) : Kernel.Step(w, e);
                    transitions++;
                    var view = new StepView(w, e, after);
                    foreach (var inv in options.Invariants)
                        if (inv.Check(view) is { } broken)
                            return (Work(), $"{broken.Property} is broken in the part of {devices[0]}");
                    if (visited.Add(Fingerprint.Of(after, options.Reduce, clusters: false, options.Symmetric)))
                    {
                        if (visited.Count > MaxPartStates)
                            return (Work(), $"the part of {devices[0]} has more than {MaxPartStates} states");
                        next.Add(Successors.Stored(after));
                    }
                }
            }
            if (next.Count > 0)
                depth++;
            level = next;
        }
        return (Work(), null);
    }

    /// <summary>
    /// Whether the environment step is possible in W: another cluster's bind calls
    /// driver_deferred_probe_trigger(), which does something only once deferred probing is enabled,
    /// and queues the work only when it is not queued already.
    /// </summary>
    private static bool ForeignBindPossible(World w) => w.DeferredProbeEnabled && (!w.WorkQueued || !w.DeferredPending.IsEmpty);
}
