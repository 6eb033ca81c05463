namespace Checker.Model.State;

public enum GroupsVariant { ProbeTime, ParentLink, DeferToParent, WalkDown, BusReplay, PerInstance }
public enum TeardownVariant { Keep, ClearAlways, ClearOwned }
public enum MaskVariant { MaskPlusOne, MaskMax }
public enum FallbackVariant { KeepCoherent, DefaultOps }
public enum UnloadVariant { Unguarded, ModuleRef }
/// <summary>fw_devlink's modes (the `fw_devlink=` boot parameter of drivers/base/core.c).</summary>
public enum FwDevlinkVariant { Off, Permissive, On, Strict }

/// <summary>
/// The kernel era and the policy variants of docs/semantics.md, "Policy variants" and "Kernel eras". The era decides every rule
/// that is not a variant and the variants' defaults (<see cref="ForEra"/>); a variant is an
/// override on top of its era. The 5.3 defaults are the code the background threads review (so
/// the bugs they report are found with no flags); every fix is a non-default value.
/// </summary>
public sealed record Variants(
    GroupsVariant Groups = GroupsVariant.ProbeTime,
    TeardownVariant Teardown = TeardownVariant.Keep,
    MaskVariant Mask = MaskVariant.MaskPlusOne,
    FallbackVariant Fallback = FallbackVariant.KeepCoherent,
    FwDevlinkVariant FwDevlink = FwDevlinkVariant.Off,
    UnloadVariant Unload = UnloadVariant.Unguarded,
    KernelEra Era = KernelEra.V5_3)
{
    /// <summary>The 5.3 era with its defaults: what a scenario without `kernel.version` runs.</summary>
    public static readonly Variants Default = new();

    /// <summary>The defaults of ERA (the table of docs/semantics.md, "Kernel eras").</summary>
    public static Variants ForEra(KernelEra era) => era switch
    {
        KernelEra.V5_3 => Default,
        KernelEra.V6_15 => new Variants(GroupsVariant.PerInstance, TeardownVariant.ClearOwned, MaskVariant.MaskMax,
            FallbackVariant.KeepCoherent, FwDevlinkVariant.On, UnloadVariant.ModuleRef, KernelEra.V6_15),
        _ => throw new ArgumentOutOfRangeException(nameof(era)),
    };

    /// <summary>
    /// These variants moved to ERA: every key left at the current era's default takes ERA's
    /// default, every override is kept (what `--kernel V` does to a scenario's variants).
    /// </summary>
    public Variants WithEra(KernelEra era)
    {
        var from = ForEra(Era);
        var result = ForEra(era);
        foreach (var (key, _) in Keys)
            if (ValueOf(key) != from.ValueOf(key))
                result = TryWith(result, key, ValueOf(key)).Result!;
        return result;
    }

    /// <summary>Every key with its values, default first: the CLI's and the scenario's vocabulary.</summary>
    public static readonly IReadOnlyList<(string Key, IReadOnlyList<string> Values)> Keys =
    [
        ("groups", ["probe-time", "parent-link", "defer-to-parent", "walk-down", "bus-replay", "per-instance"]),
        ("teardown", ["keep", "clear-always", "clear-owned"]),
        ("mask", ["mask-plus-one", "mask-max"]),
        ("fallback", ["keep-coherent", "default-ops"]),
        ("fw-devlink", ["off", "permissive", "on", "strict"]),
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
            "fw-devlink" => (v with { FwDevlink = (FwDevlinkVariant)index }, null),
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
        "fw-devlink" => Keys[4].Values[(int)FwDevlink],
        "unload" => Keys[5].Values[(int)Unload],
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    /// <summary>Every key=value pair, in key order: the canonical text form.</summary>
    public IEnumerable<string> AsPairs() => Keys.Select(k => $"{k.Key}={ValueOf(k.Key)}");

    /// <summary>Only the pairs that differ from the defaults of this era.</summary>
    public IEnumerable<string> NonDefaultPairs()
    {
        var defaults = ForEra(Era);
        return Keys.Where(k => ValueOf(k.Key) != defaults.ValueOf(k.Key)).Select(k => $"{k.Key}={ValueOf(k.Key)}");
    }
}
