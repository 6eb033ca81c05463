namespace Checker.Model.State;

/// <summary>
/// The reference kernel whose rules a run follows (docs/semantics.md, "Kernel eras"). Eras never mix: every rule of a
/// run comes from one of them, and the policy variants are overrides on top of its defaults.
/// </summary>
public enum KernelEra
{
    /// <summary>v5.3: probe-time groups, deferral ended by late_initcall, the 2019 of_devlink series.</summary>
    V5_3,
    /// <summary>v6.15: groups per IOMMU instance, the deferred-probe timeout, fw_devlink on by default.</summary>
    V6_15,
}

public static class KernelEras
{
    /// <summary>Every era with the version string scenarios and `--kernel` use, oldest first.</summary>
    public static readonly IReadOnlyList<(string Version, KernelEra Era)> All = [("5.3", KernelEra.V5_3), ("6.15", KernelEra.V6_15)];

    /// <summary>The version string of ERA (`5.3`, `6.15`).</summary>
    public static string Version(this KernelEra era) => All.First(e => e.Era == era).Version;

    /// <summary>Reads a version string; null when it names no era the model has.</summary>
    public static KernelEra? Parse(string text) =>
        All.FirstOrDefault(e => e.Version == text.Trim()) is { Version: not null } hit ? hit.Era : null;

    /// <summary>The message for a version the model does not have.</summary>
    public static string UnknownMessage(string text) =>
        $"unknown kernel version '{text}' (known: {string.Join(", ", All.Select(e => e.Version))})";
}
