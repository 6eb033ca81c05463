using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Properties.Invariants;

/// <summary>A broken invariant: its name, what broke, and the devices involved.</summary>
public sealed record Violation(string Property, string Message, ImmutableArray<string> Devices)
{
    public override string ToString() => $"{Property}: {Message}";
}

/// <summary>One step as the invariants see it: the state before, the event, the state after.</summary>
public readonly record struct StepView(World Before, Event? Event, World After)
{
    /// <summary>Quiescence for exploration: boot is over (initcalls done) and no deferred work is queued.</summary>
    public bool Quiescent => After.InitcallsDone && !After.WorkQueued;
}

/// <summary>
/// A named, pure check of a step (spec section 7). Names are public API: the CLI's `--property`
/// and every report use them.
/// </summary>
public sealed record Invariant(string Name, string Promise, Func<StepView, Violation?> Check)
{
    public override string ToString() => Name;
}
