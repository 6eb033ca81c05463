using System.Collections.Immutable;

namespace Checker.Properties.Explanation;

/// <summary>Whether an event of a shrunk run is needed for the violation itself, or only so that a later event can happen.</summary>
public enum EventRole
{
    /// <summary>Without it every later event still happens, and the violation goes away.</summary>
    Necessary,
    /// <summary>Without it a later event is not possible (a device's parent not added, a module not loaded).</summary>
    Enabling,
    /// <summary>Without it the violation still happens (a shrunk run is 1-minimal, so only a hand-made one has these).</summary>
    Unneeded,
}

/// <summary>
/// One thing an event changed that the violation depends on: the kernel function, the device,
/// what changed and why. VIA is the device whose state decided it (the ungrouped bridge a group
/// search walked up to), VIAEVENT the 1-based event that left VIA in that state.
/// </summary>
public sealed record CausalChange(string Function, string Device, string Change, string? Reason)
{
    public string? Via { get; init; }

    public int? ViaEvent { get; init; }
}

/// <summary>One event of the run with its role and what it changed on the devices involved.</summary>
public sealed record CausalStep(int Index, string Event, EventRole Role, int? NeededBy, ImmutableArray<CausalChange> Changes);

/// <summary>The causal chain of a counterexample: a summary, each event's part, and the devices involved.</summary>
public sealed record Explanation(string Summary, ImmutableArray<CausalStep> Steps, ImmutableHashSet<int> Involved);

public static class EventRoles
{
    public static string Word(this EventRole role) => role switch
    {
        EventRole.Necessary => "necessary",
        EventRole.Enabling => "enabling",
        _ => "unneeded",
    };
}
