using System.Runtime.CompilerServices;
using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Properties.Exhaustive;

/// <summary>One transition: the event, the state it leads to (kept when asked for, and always when it shows a violation), its fingerprint, the violation it shows (if checked).</summary>
public readonly record struct Transition(Event Event, World? After, ulong Fingerprint, Violation? Violation)
{
    /// <summary>
    /// Every property the step breaks that had no counterexample when it was expanded, in catalogue
    /// order (<see cref="Violation"/> is the first): one transition can be the shortest
    /// counterexample of several properties.
    /// </summary>
    public ImmutableArray<Violation> Violations { get; init; } = Violation is null ? [] : [Violation];
}

/// <summary>
/// The transitions out of a state: every event of <see cref="EventGen.Enabled"/> whose kind has a
/// non-zero weight and that <see cref="Kernel.IsEnabled"/> accepts, in EventGen's fixed order.
/// States kept for later drop their log and trace (<see cref="Stored"/>).
/// </summary>
public static class Successors
{
    public static IEnumerable<Event> Events(World w, GenConfig config)
    {
        var candidates = new List<(EventKind, Event)>();
        EventGen.Candidates(w, config, candidates);
        return candidates.Select(c => c.Item2);
    }

    /// <summary>
    /// Steps every enabled event of W. INVARIANTS are checked on the transitions into states
    /// the shard owns, skipping the properties already in FOUND (which changes only between batches).
    /// </summary>
    public static void Expand(World w, ExploreOptions options, bool[] found, List<Transition> into) =>
        Expand(w, options, found, into, 0, keepWorlds: true);

    /// <summary>
    /// As above, leaving out the injections <see cref="PartialOrder"/> does not allow under BOUND;
    /// without KEEPWORLDS a transition keeps the state it leads to only if it shows a violation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Expand(World w, ExploreOptions options, bool[] found, List<Transition> into, int bound, bool keepWorlds)
    {
        var candidates = Scratch.Candidates;
        candidates.Clear();
        EventGen.Candidates(w, options.Gen, candidates);
        bool clusters = options.Clusters;
        if (clusters)
            PartialOrder.BootAmple(w, candidates);
        foreach (var (_, e) in candidates)
        {
            if (!PartialOrder.Allowed(w.Machine, e, bound))
                continue;
            var after = Kernel.Step(w, e);
            ulong fp = Fingerprint.Of(after, options.Reduce, clusters, options.Symmetric);
            Violation? first = null;
            List<Violation>? all = null;
            var view = new StepView(w, e, after);
            for (int i = 0; i < options.Invariants.Length; i++)
                if (!found[i] && options.Invariants[i].Check(view) is { } broken)
                {
                    if (first is null)
                        first = broken;
                    else
                        (all ??= [first]).Add(broken);
                }
            var t = new Transition(e, keepWorlds || first is not null ? after : null, fp, first);
            into.Add(all is null ? t : t with { Violations = [.. all] });
        }
    }

    /// <summary>
    /// The world as the explorer keeps it: no log or trace, which no later step reads, and quiet
    /// (<see cref="World.Quiet"/>), so the steps out of it format no log text either.
    /// </summary>
    public static World Stored(World w) => w.Quiet && w.Log.IsEmpty && w.Trace.IsEmpty ? w : w with { Log = BootLog.Empty, Trace = [], Quiet = true };

    /// <summary>Per-thread list of a state's candidate events (Expand does not nest).</summary>
    private static class Scratch
    {
        [ThreadStatic] private static List<(EventKind, Event)>? _candidates;

        public static List<(EventKind, Event)> Candidates => _candidates ??= [];
    }

    public static int IndexOf(ImmutableArray<Invariant> invariants, Violation v)
    {
        for (int i = 0; i < invariants.Length; i++)
            if (invariants[i].Name == v.Property)
                return i;
        throw new InvalidOperationException($"unknown property {v.Property}");
    }
}
