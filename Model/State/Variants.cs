namespace Checker.Model.State;

public enum GroupsVariant { ProbeTime, ParentLink, DeferToParent, WalkDown, BusReplay, PerInstance }
public enum TeardownVariant { Keep, ClearAlways, ClearOwned }
public enum MaskVariant { MaskPlusOne, MaskMax }
public enum FallbackVariant { KeepCoherent, DefaultOps }
public enum UnloadVariant { Unguarded, ModuleRef }

/// <summary>
/// The policy variants of spec section 6. The defaults are the code the background threads
/// review (so the bugs they report are found with no flags); every fix is a non-default value.
/// </summary>
public sealed record Variants(
    GroupsVariant Groups = GroupsVariant.ProbeTime,
    TeardownVariant Teardown = TeardownVariant.Keep,
    MaskVariant Mask = MaskVariant.MaskPlusOne,
    FallbackVariant Fallback = FallbackVariant.KeepCoherent,
    bool FwDevlink = false,
    UnloadVariant Unload = UnloadVariant.Unguarded)
{
    public static readonly Variants Default = new();

    /// <summary>Every key with its values, default first: the CLI's and the scenario's vocabulary.</summary>
    public static readonly IReadOnlyList<(string Key, IReadOnlyList<string> Values)> Keys =
    [
        ("groups", ["probe-time", "parent-link", "defer-to-parent", "walk-down", "bus-replay", "per-instance"]),
        ("teardown", ["keep", "clear-always", "clear-owned"]),
        ("mask", ["mask-plus-one", "mask-max"]),
        ("fallback", ["keep-coherent", "default-ops"]),
        ("fw-devlink", ["off", "on"]),
        ("unload", ["unguarded", "module-ref"]),
    ];

    /// <summary>Returns these variants with KEY set to VALUE, or an error message naming what is wrong.</summary>
    public static (Variants? Result, string? Error) TryWith(Variants v, string key, string value)
    {
        var entry = Keys.FirstOrDefault(k => k.Key == key);
        if (entry.Key is null)
            return (null, $"unknown variant key '{key}' (known: {string.Join(", ", Keys.Select(k => k.Key))})");
        var normalized = key == "fw-devlink" ? value switch { "true" => "on", "false" => "off", _ => value } : value;
        int index = entry.Values.ToList().IndexOf(normalized);
        if (index < 0)
            return (null, $"unknown value '{value}' for variant '{key}' (known: {string.Join(", ", entry.Values)})");
        return key switch
        {
            "groups" => (v with { Groups = (GroupsVariant)index }, null),
            "teardown" => (v with { Teardown = (TeardownVariant)index }, null),
            "mask" => (v with { Mask = (MaskVariant)index }, null),
            "fallback" => (v with { Fallback = (FallbackVariant)index }, null),
            "fw-devlink" => (v with { FwDevlink = index == 1 }, null),
            _ => (v with { Unload = (UnloadVariant)index }, null),
        };
    }

    /// <summary>The value of KEY as written in scenarios and on the command line.</summary>
    public string ValueOf(string key) => key switch
    {
        "groups" => Keys[0].Values[(int)Groups],
        "teardown" => Keys[1].Values[(int)Teardown],
        "mask" => Keys[2].Values[(int)Mask],
        "fallback" => Keys[3].Values[(int)Fallback],
        "fw-devlink" => FwDevlink ? "on" : "off",
        "unload" => Keys[5].Values[(int)Unload],
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    /// <summary>Every key=value pair, in key order: the canonical text form.</summary>
    public IEnumerable<string> AsPairs() => Keys.Select(k => $"{k.Key}={ValueOf(k.Key)}");

    /// <summary>Only the pairs that differ from the defaults.</summary>
    public IEnumerable<string> NonDefaultPairs() =>
        Keys.Where(k => ValueOf(k.Key) != Default.ValueOf(k.Key)).Select(k => $"{k.Key}={ValueOf(k.Key)}");
}
