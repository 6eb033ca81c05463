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
    public override string ToString() => Name;
}
