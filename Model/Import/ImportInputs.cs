using System.Collections.Immutable;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>The parsed dumps and flags an import works from; any dump may be missing.</summary>
public sealed record ImportInputs(
    string Name,
    Arch? Arch,
    Firmware? Firmware,
    LspciTree? Tree,
    ImmutableDictionary<Bdf, VerboseDevice>? Verbose,
    DmesgLog? Dmesg,
    ImmutableSortedDictionary<int, ImmutableArray<string>>? Groups,
    Machine? Base);

/// <summary>Something the dumps could not tell, written as a YAML comment next to SUBJECT and listed on stderr.</summary>
public sealed record Guess(string Subject, string Text)
{
    public override string ToString() => $"{Subject}: {Text}";
}

/// <summary>An imported machine and every guess made while building it.</summary>
public sealed record ImportResult(Machine Machine, ImmutableArray<Guess> Guesses);

/// <summary>Keys of the subjects guesses attach to, shared with the scenario writer.</summary>
public static class GuessSubject
{
    public static string Machine => "machine";
    public static string Device(string name) => "device " + name;
    public static string Driver(string name) => "driver " + name;
    public static string HostBridge(int domain) => $"host-bridge {domain:x4}";
    public static string Script => "script";
}
