using System.Collections.Immutable;
using Checker.Properties.Verdicts;

namespace Checker.Cli.Documents;

// Every JSON document the checker writes or reads, as typed records: one serializer
// (DocumentJson) writes them and reads them back, and docs/schemas/ describes each one, so the
// schema, the version field and the reader cannot drift apart. Members are in output order;
// everything but `stats` is a pure function of the inputs and seed.

/// <summary>The scenario a document was made from: its path relative to the document's own file, its SHA-256 and its full text.</summary>
public sealed record ScenarioDocument(string Path, string Sha256, string Text);

/// <summary>A driver of a pruned machine, with the arrival the shrinker gave it.</summary>
public sealed record DriverDocument(string Name, string Arrival, string? Initcall = null, int? LinkOrder = null);

/// <summary>The verdict of one property: `counterexample`, `passed`, `incomplete` or `vacuous`, and why.</summary>
public sealed record PropertyVerdictDocument(string Property, VerdictKind Verdict, string Reason);

/// <summary>
/// One thing an event changed that the violation depends on, in the kernel's terms; VIA is the
/// device whose state decided it and VIAEVENT the event that left it so (both may be null).
/// </summary>
public sealed record ExplanationChangeDocument(string Function, string Device, string Change, string? Reason, string? Via, int? ViaEvent);

/// <summary>
/// One event of the shrunk run in the causal chain: its 1-based index, its text, whether it is
/// `necessary` (without it the run is still possible but the violation goes away) or `enabling`
/// (without it a later event, NEEDEDBY, is not possible), and what it changed.
/// </summary>
public sealed record ExplanationStepDocument(int Event, string Text, string Role, int? NeededBy, ImmutableArray<ExplanationChangeDocument> Changes);

/// <summary>Why the violation happens: a summary sentence and the causal chain, event by event.</summary>
public sealed record ExplanationDocument(string Summary, ImmutableArray<ExplanationStepDocument> Steps);

/// <summary>Figures about how a counterexample was found and shrunk; wall-clock time only here.</summary>
public sealed record CounterexampleStatsDocument(int Tests, long Steps, int ShrinkSteps, long Milliseconds);

/// <summary>One device or pair that breaks the property in the breaking step, with its message.</summary>
public sealed record FindingDocument(string Message, ImmutableArray<string> Devices);

/// <summary>
/// A shrunk counterexample: what `check --json` holds under `counterexamples`, what a corpus file
/// is, and what `replay` reads back. Standalone: it carries its scenario's text and hash.
/// </summary>
public sealed record CounterexampleDocument(
    int SchemaVersion,
    string Tool,
    string Document,
    VerdictKind Verdict,
    ScenarioDocument Scenario,
    ImmutableSortedDictionary<string, string> Variants,
    string Property,
    string Message,
    ulong Seed,
    int Ordering,
    int OriginalEvents,
    ImmutableArray<string> Events,
    ImmutableArray<string> Devices,
    ImmutableArray<DriverDocument> Drivers,
    ImmutableArray<string> Iommus,
    ExplanationDocument? Explanation,
    ImmutableArray<string> BootLog,
    string Replay,
    CounterexampleStatsDocument Stats,
    ImmutableArray<FindingDocument>? Findings = null);

/// <summary>Figures of a check run.</summary>
public sealed record CheckStatsDocument(int Tests, long Steps, long Milliseconds);

/// <summary>
/// What `check --json` writes: the verdict of the run and of each property, and every counterexample found.
/// <c>vacuous</c> (with its reason) when every property had nothing to compare on the machine: the run shows nothing.
/// </summary>
public sealed record CheckDocument(
    int SchemaVersion,
    string Tool,
    string Document,
    VerdictKind Verdict,
    string Reason,
    ScenarioDocument Scenario,
    ImmutableSortedDictionary<string, string> Variants,
    ulong Seed,
    int MaxTests,
    int Tests,
    ImmutableArray<PropertyVerdictDocument> Properties,
    ImmutableArray<CounterexampleDocument> Counterexamples,
    string Replay,
    CheckStatsDocument Stats,
    bool Vacuous = false,
    string? VacuousReason = null);

/// <summary>Figures of an exploration.</summary>
public sealed record ExploreStatsDocument(long Milliseconds, long ShrinkMilliseconds, long StatesPerSecond, long VisitedSetBytes, ShardWorkDocument? Shard = null);

/// <summary>
/// How a sharded BFS divided its work (docs/explore.md, "Sharding"): the level of the split, the
/// frontier there and the part of it this shard kept, the states and transitions of the prefix
/// every shard runs alike, and the transitions of the shard's own subtrees. Deterministic, unlike
/// the rest of `stats`; absent when the run did not split.
/// </summary>
public sealed record ShardWorkDocument(int SplitLevel, long FrontierStates, long FrontierKept, long PrefixStates, long PrefixTransitions, long SubtreeTransitions);

/// <summary>
/// What `explore --json` writes. <c>decomposed</c> when the machine was explored by parts and the
/// parts decided the run (<c>parts</c> lists them); <c>decompositionUndecided</c> says why the parts
/// tried first decided nothing, and the counts are then the whole machine's.
/// </summary>
public sealed record ExploreDocument(
    int SchemaVersion,
    string Tool,
    string Document,
    VerdictKind Verdict,
    string Reason,
    ScenarioDocument Scenario,
    ImmutableSortedDictionary<string, string> Variants,
    string Strategy,
    int MaxDepth,
    string Shard,
    long States,
    long Transitions,
    int Depth,
    bool Complete,
    ImmutableArray<PropertyVerdictDocument> Properties,
    ImmutableArray<CounterexampleDocument> Counterexamples,
    ExploreStatsDocument Stats,
    bool Vacuous = false,
    string? VacuousReason = null,
    bool Reduced = true,
    ImmutableArray<long>? Levels = null,
    bool Symmetric = false,
    bool Decomposed = false,
    string? DecompositionUndecided = null,
    ImmutableArray<PartDocument>? Parts = null);

/// <summary>
/// One part of an exploration by parts (docs/explore.md, "Decomposition"): the devices of its
/// cluster and what exploring it to exhaustion took.
/// </summary>
public sealed record PartDocument(ImmutableArray<string> Devices, long States, long Transitions, int Depth);

/// <summary>Figures of one matrix cell.</summary>
public sealed record MatrixCellStatsDocument(long Steps, long Milliseconds);

/// <summary>One cell: a property under one row's variants, its verdict and, when broken, the counterexample.</summary>
public sealed record MatrixCellDocument(
    string Property,
    VerdictKind Verdict,
    string Reason,
    int Tests,
    int? Events,
    string? Message,
    CounterexampleDocument? Counterexample,
    MatrixCellStatsDocument Stats,
    bool Vacuous = false,
    string? VacuousReason = null);

/// <summary>One row of the matrix: a variant label, its variants and its cells.</summary>
public sealed record MatrixRowDocument(string Label, ImmutableSortedDictionary<string, string> Variants, ImmutableArray<MatrixCellDocument> Cells);

/// <summary>Figures of a matrix run.</summary>
public sealed record MatrixStatsDocument(int Cells, long Milliseconds);

/// <summary>What `matrix --json` writes.</summary>
public sealed record MatrixDocument(
    int SchemaVersion,
    string Tool,
    string Document,
    VerdictKind Verdict,
    string Reason,
    ScenarioDocument Scenario,
    ulong Seed,
    int MaxTests,
    bool AllVariants,
    ImmutableArray<string> Keys,
    ImmutableArray<string> Columns,
    ImmutableArray<MatrixRowDocument> Rows,
    MatrixStatsDocument Stats);

/// <summary>Making <see cref="ScenarioDocument"/>s and placing their paths relative to the file a document goes to.</summary>
public static class ScenarioDocuments
{
    /// <summary>The scenario at PATH (as given) with TEXT, its path made absolute until the document's place is known.</summary>
    public static ScenarioDocument Of(string path, string text) =>
        new(System.IO.Path.GetFullPath(path), Sha256(text), text);

    public static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>S with its path relative to the directory of OUTPUT (the working directory for stdout, "-"), with `/` separators.</summary>
    public static ScenarioDocument RelativeTo(this ScenarioDocument s, string? output)
    {
        string dir = output is null or "-" ? Environment.CurrentDirectory
            : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(output)) ?? Environment.CurrentDirectory;
        return s with { Path = System.IO.Path.GetRelativePath(dir, System.IO.Path.GetFullPath(s.Path)).Replace('\\', '/') };
    }

    public static CounterexampleDocument RelativeTo(this CounterexampleDocument d, string? output) =>
        d with { Scenario = d.Scenario.RelativeTo(output) };

    public static CheckDocument RelativeTo(this CheckDocument d, string? output) =>
        d with { Scenario = d.Scenario.RelativeTo(output), Counterexamples = [.. d.Counterexamples.Select(c => c.RelativeTo(output))] };

    public static ExploreDocument RelativeTo(this ExploreDocument d, string? output) =>
        d with { Scenario = d.Scenario.RelativeTo(output), Counterexamples = [.. d.Counterexamples.Select(c => c.RelativeTo(output))] };

    public static MatrixDocument RelativeTo(this MatrixDocument d, string? output) => d with
    {
        Scenario = d.Scenario.RelativeTo(output),
        Rows = [.. d.Rows.Select(r => r with
        {
            Cells = [.. r.Cells.Select(c => c.Counterexample is null ? c : c with { Counterexample = c.Counterexample.RelativeTo(output) })],
        })],
    };

    /// <summary>The variants as a document holds them: every key with its value, in key order.</summary>
    /// <summary>
    /// The variants as a document holds them: every key with its value, in key order, and `kernel`,
    /// the era whose rules the run followed (`5.3`, `6.15`).
    /// </summary>
    public static ImmutableSortedDictionary<string, string> Variants(Model.State.Variants v) =>
        Model.State.Variants.Keys.ToImmutableSortedDictionary(k => k.Key, k => v.ValueOf(k.Key), StringComparer.Ordinal)
            .Add(KernelKey, Model.State.KernelEras.Version(v.Era));

    /// <summary>The key of the era among a document's variants.</summary>
    public const string KernelKey = "kernel";
}
