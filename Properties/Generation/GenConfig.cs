using System.Collections.Immutable;

namespace Checker.Properties.Generation;

/// <summary>The kinds of event the generator draws, each with a weight.</summary>
public enum EventKind
{
    Add, Register, LateInitcall, DeferredWork, Modprobe, Rmmod, Unbind, Bind, HotAdd, HotRemove,
    SriovEnable, FailNextProbe, FailNextAttach, FailDomainAlloc, DeferredProbeTimeout,
}

/// <summary>
/// Weights and the size bound of generation (documented in docs/checking.md). Boot events weigh
/// most so that most sequences boot; runtime actions are rarer. Fault injections weigh 0 by
/// default: they are failures of the machine rather than orderings, and `--faults` (or
/// <see cref="WithFaults"/>) turns them on to ask how a design degrades.
/// </summary>
public sealed record GenConfig(ImmutableDictionary<EventKind, int> Weights, int ExtraSteps)
{
    public static readonly GenConfig Default = new(
        new Dictionary<EventKind, int>
        {
            [EventKind.Add] = 20,
            [EventKind.Register] = 20,
            [EventKind.LateInitcall] = 10,
            [EventKind.DeferredWork] = 10,
            [EventKind.Modprobe] = 8,
            [EventKind.Rmmod] = 2,
            [EventKind.Unbind] = 2,
            [EventKind.Bind] = 2,
            [EventKind.HotAdd] = 3,
            [EventKind.HotRemove] = 1,
            [EventKind.SriovEnable] = 3,
            [EventKind.FailNextProbe] = 0,
            [EventKind.FailNextAttach] = 0,
            [EventKind.FailDomainAlloc] = 0,
            [EventKind.DeferredProbeTimeout] = 5,
        }.ToImmutableDictionary(),
        ExtraSteps: 16);

    /// <summary>
    /// The size bound: a sequence has at most as many events as the boot has, plus EXTRASTEPS.
    /// </summary>
    public int MaxSteps(Model.State.Machine m) =>
        m.Devices.Count(d => d.PresentAtBoot) + m.Index.BuiltinOrder.Length + 1 + ExtraSteps;

    /// <summary>The fault injections each given weight 1 (unless already weighted).</summary>
    public GenConfig WithFaults() => this with
    {
        Weights = Weights
            .SetItem(EventKind.FailNextProbe, Math.Max(1, Weights[EventKind.FailNextProbe]))
            .SetItem(EventKind.FailNextAttach, Math.Max(1, Weights[EventKind.FailNextAttach]))
            .SetItem(EventKind.FailDomainAlloc, Math.Max(1, Weights[EventKind.FailDomainAlloc])),
    };

    /// <summary>Parses `kind=weight` overrides (kinds in kebab-case, e.g. `hot-remove=0`).</summary>
    public GenConfig WithWeight(string kebabKind, int weight)
    {
        var kind = Enum.GetValues<EventKind>().FirstOrDefault(k => Kebab(k) == kebabKind, (EventKind)(-1));
        if ((int)kind < 0)
            throw new ArgumentException($"unknown event kind '{kebabKind}' (known: {string.Join(", ", Enum.GetValues<EventKind>().Select(Kebab))})");
        if (weight is < 0 or > 1000)
            throw new ArgumentException($"weight {weight} for '{kebabKind}' is outside 0..1000");
        return this with { Weights = Weights.SetItem(kind, weight) };
    }

    public static string Kebab(EventKind k) =>
        string.Concat(k.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
