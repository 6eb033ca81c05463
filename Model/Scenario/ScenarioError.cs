namespace Checker.Model.Scenario;

/// <summary>The first problem found in a scenario file: where it is and what is wrong.</summary>
public sealed record ScenarioError(string File, int Line, string Field, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Field}: {Message}";
}

/// <summary>Thrown by <see cref="ScenarioLoader.Load"/> on the first problem found.</summary>
public sealed class ScenarioException(ScenarioError error) : Exception(error.ToString())
{
    public ScenarioError Error { get; } = error;
}

/// <summary>
/// Bounds on what a scenario may ask for. They keep a hostile or mistyped file from exhausting
/// memory or time; every real machine is far below them.
/// </summary>
public static class ScenarioLimits
{
    public const int MaxDevices = 65536;
    public const int MaxDrivers = 4096;
    public const int MaxIommus = 1024;
    public const int MaxScriptActions = 100000;
    public const int MaxNameLength = 256;
    /// <summary>Nodes visited while reading the document, an alias counting its anchor's subtree again.</summary>
    public const int MaxYamlNodes = 2_000_000;
    /// <summary>Nesting of mappings and sequences; the schema needs 4, and YamlDotNet builds nodes recursively.</summary>
    public const int MaxYamlDepth = 64;
    public const int MaxVfCount = 256;
    public const int MaxContexts = 65536;
    public const int MaxTextBytes = 64 * 1024 * 1024;
    public const int MaxAtSeconds = 10_000_000;
    /// <summary>`kernel.deferred-probe-timeout`, in seconds.</summary>
    public const int MaxDeferredProbeTimeout = 3600;
}
