using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Properties.Invariants;

/// <summary>One device or pair that breaks an invariant in a step: what broke, and the devices involved.</summary>
public sealed record Finding(string Message, ImmutableArray<string> Devices);

/// <summary>
/// A broken invariant: its name, what broke, and the devices involved. An invariant reports every
/// device and pair that breaks it in the step, not only the first: <see cref="Findings"/> lists
/// them all, in the order the check met them; <see cref="Message"/> says all of them in one line
/// (the first alone when there is one) and <see cref="Devices"/> is every device named, once.
/// </summary>
public sealed record Violation(string Property, string Message, ImmutableArray<string> Devices)
{
    /// <summary>Every finding of the step (one, for a violation made from a single message).</summary>
    public ImmutableArray<Finding> Findings { get; init; } = [new Finding(Message, Devices)];

    /// <summary>The violation of PROPERTY made of FINDINGS; null when there are none.</summary>
    public static Violation? Of(string property, IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
            return null;
        string message = findings.Count == 1
            ? findings[0].Message
            : $"{findings.Count} violations: " + string.Join("; ", findings.Select((f, i) => $"({i + 1}) {f.Message}"));
        ImmutableArray<string> devices = [.. findings.SelectMany(f => f.Devices).Distinct()];
        return new Violation(property, message, devices) { Findings = [.. findings] };
    }

    public override string ToString() => $"{Property}: {Message}";
}

/// <summary>One step as the invariants see it: the state before, the event, the state after.</summary>
public readonly record struct StepView(World Before, Event? Event, World After)
{
    /// <summary>Quiescence for exploration: boot is over (initcalls done) and no deferred work is queued.</summary>
    public bool Quiescent => After.InitcallsDone && !After.WorkQueued;
}

/// <summary>
/// A named, pure check of a step (docs/semantics.md, "Invariants"). Names are public API: the CLI's `--property`
/// and every report use them.
/// </summary>
public sealed record Invariant(string Name, string Promise, Func<StepView, Violation?> Check)
{
    /// <summary>
    /// For an invariant of the state after a step alone (it reads neither the state before, nor the
    /// event, nor the step's trace): when its answer on a world is known to be its answer on the
    /// world before (<see cref="StateReuse"/>); null when it is always checked.
    /// </summary>
    public StateReuse? Reuse { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// What a state invariant reads, so that a run stepping worlds one after another can tell when a
/// step changed none of it and the check's answer on the world before still holds (it is the same
/// answer, finding for finding). The devices a step changed come from <see cref="World.ChangedDevicesSince"/>.
/// </summary>
/// <param name="SameGlobals">The parts of the world outside the devices it reads are unchanged (compared by reference).</param>
/// <param name="SameDevice">A device's state, as it reads it, is unchanged.</param>
/// <param name="Listed">
/// When it walks the bus list: the devices whose place in it matters (the others contribute nothing);
/// the list may then grow at its end by devices that are not such. Null when it does not read the bus list.
/// </param>
public sealed record StateReuse(Func<World, World, bool> SameGlobals, Func<DeviceState, DeviceState, bool> SameDevice, Func<DeviceState, bool>? Listed)
{
    /// <summary>Whether the answer on AFTER is the answer on BEFORE, CHANGED being the devices changed between them.</summary>
    public bool Holds(World before, World after, List<int> changed)
    {
        if (!ReferenceEquals(before.Machine, after.Machine) || !SameGlobals(before, after))
            return false;
        foreach (int d in changed)
            if (!SameDevice(before.Device(d), after.Device(d)))
                return false;
        if (Listed is null || before.BusList == after.BusList)
            return true;
        var old = before.BusList;
        var now = after.BusList;
        if (!now.StartsWith(old))
            return false;
        for (int i = old.Count; i < now.Count; i++)
            if (Listed(after.Device(now[i])))
                return false;
        return true;
    }
}

/// <summary>
/// The invariants of a run that steps worlds one after another, each checked on every step, with
/// the answer of a <see cref="Invariant.Reuse"/> invariant carried over from the step before when
/// the step changed nothing it reads: the same answers as checking each step afresh.
/// </summary>
public sealed class SequentialChecks
{
    private readonly ImmutableArray<Invariant> _invariants;
    private readonly Violation?[] _last;
    private readonly bool[] _computed;
    private readonly List<int> _changed = [];
    private World? _lastAfter;

    /// <summary>How many answers were carried over rather than checked (for tests and benchmarks).</summary>
    public long Reused { get; private set; }

    public SequentialChecks(ImmutableArray<Invariant> invariants)
    {
        _invariants = invariants;
        _last = new Violation?[invariants.Length];
        _computed = new bool[invariants.Length];
    }

    /// <summary>The first violation on STEP, in the invariants' order (as <see cref="Catalogue.FirstViolation"/>).</summary>
    public Violation? First(StepView step)
    {
        Violation? first = null;
        Check(step, (_, v, _) =>
        {
            first = v;
            return false;
        });
        return first;
    }

    /// <summary>
    /// Checks every invariant on STEP, in order, calling FOUND for each violation (and stopping when
    /// it returns false). A reused answer is passed with REUSED set: the same object as the step before.
    /// </summary>
    public void Check(StepView step, Func<int, Violation, bool, bool> found)
    {
        _changed.Clear();
        bool known = _lastAfter is not null && ReferenceEquals(_lastAfter, step.Before) && step.After.ChangedDevicesSince(step.Before, _changed);
        _lastAfter = step.After;
        for (int i = 0; i < _invariants.Length; i++)
        {
            var inv = _invariants[i];
            bool reuse = known && inv.Reuse is { } r && _computed[i] && r.Holds(step.Before, step.After, _changed);
            var v = reuse ? _last[i] : inv.Check(step);
            if (reuse)
                Reused++;
            _last[i] = v;
            _computed[i] = true;
            if (v is not null && !found(i, v, reuse))
            {
                // The invariants after I are not checked on this step: their answers are not known for the next.
                for (int j = i + 1; j < _invariants.Length; j++)
                    _computed[j] = false;
                return;
            }
        }
    }
}
