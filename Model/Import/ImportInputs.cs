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
    Machine? Base)
{
    /// <summary>`--kernel`: the era to write; null to take it from dmesg's `Linux version` line, else 5.3.</summary>
    public KernelEra? Kernel { get; init; }

    /// <summary>pci.ids, to map the names of a dump without -nn back to vendor and device IDs; null when the system has none.</summary>
    public PciIdsDatabase? Names { get; init; }

    /// <summary>
    /// PCIe types and ACS capabilities of known chips, read from root dumps of other machines
    /// (docs/hardware-facts.md): used for a function only when its dump has no capability list.
    /// </summary>
    public Hardware.PciCapabilityFacts? Facts { get; init; } = Hardware.PciCapabilityFacts.Default;

    /// <summary>What the readers had to guess (a tree inferred from bus numbers, lspci without root).</summary>
    public ImmutableArray<Guess> ReadGuesses { get; init; } = [];

    /// <summary>
    /// The real groups were given on purpose (`--iommu-groups`), not only found in the lspci text:
    /// then ACS hidden from the dump may be inferred from them. Groups inside the lspci text are
    /// only checked against, so that a validation from lspci alone stays a prediction.
    /// </summary>
    public bool GroupsGiven { get; init; }

    /// <summary>
    /// The lines that show the kernel command line: those of the lspci text, then dmesg's `Kernel
    /// command line:` (the boot's own, so it wins where both name a parameter).
    /// </summary>
    public ImmutableArray<CommandLineEvidence> KernelCommandLine { get; init; } = [];

    /// <summary>The parsed lspci dumps as one input: the tree (read or inferred) and the listing.</summary>
    public static ImportInputs FromLspci(string name, LspciDump? lspci, DmesgLog? dmesg,
        ImmutableSortedDictionary<int, ImmutableArray<string>>? groups, Machine? baseMachine) =>
        new(name, null, null, lspci?.Tree, lspci?.Listing, dmesg, groups ?? lspci?.Groups, baseMachine)
        {
            ReadGuesses = lspci?.Guesses ?? [],
            GroupsGiven = groups is not null,
            KernelCommandLine = [.. lspci?.KernelCommandLine ?? [], .. dmesg?.CommandLine ?? []],
        };
}

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
    public static string HostBridge(int domain) => $"host-bridge {PciDomain.Format(domain)}";
    public static string Script => "script";
    /// <summary>The `kernel.pcie-acs-override` field.</summary>
    public static string AcsOverride => "kernel pcie-acs-override";
    /// <summary>The `kernel.deferred-probe-timeout` field.</summary>
    public static string DeferredProbeTimeout => "kernel deferred-probe-timeout";
}
