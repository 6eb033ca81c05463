using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Shrinkers;

/// <summary>A machine and an event sequence on it: what a shrinker makes smaller.</summary>
public sealed record Candidate(Machine Machine, ImmutableArray<Event> Events)
{
    /// <summary>The events as text, the form that survives a change of machine.</summary>
    public ImmutableArray<string> EventTexts => [.. Events.Select(e => EventText.Format(Machine, e))];

    /// <summary>Size order used to accept a candidate: fewer events, then fewer devices, drivers, instances.</summary>
    public (int, int, int, int) Size => (Events.Length, Machine.Devices.Length, Machine.Drivers.Length, Machine.Iommus.Length);
}
