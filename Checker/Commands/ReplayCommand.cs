using System.Collections.Immutable;
using System.CommandLine;
using Checker.Cli.Documents;
using Checker.Cli.Rendering;
using Checker.Model.Events;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Shrinkers;

namespace Checker.Cli.Commands;

/// <summary>`checker replay FILE.json`: re-run a saved counterexample; exit 1 if it still fails.</summary>
public static class ReplayCommand
{
    public static Command Create(TextWriter stdout, TextWriter? stderr = null)
    {
        var err = stderr ?? TextWriter.Null;
        var file = new Argument<string>("file") { Description = "A JSON file written by `check --json`, `explore --json`, `matrix --json` or `explore --corpus`" };
        var json = new Option<bool>("--json") { Description = "Print the counterexample as JSON (the counterexample document)" };
        var index = new Option<int?>("--index") { Description = "Which counterexample of the file (1 = the first, in the file's order)" };
        var property = new Option<string?>("--property") { Description = "The counterexample of this property (the first one in the file)" };
        var embedded = new Option<bool>("--embedded") { Description = "Replay on the copy of the scenario embedded in the file, not the file on disk" };
        var verbose = new Option<bool>("--verbose") { Description = "After each event, print what it changed: devices, groups, DMA ops, deferred lists" };
        var step = new Option<bool>("--step") { Description = "As --verbose, waiting for Enter after each event when stdin is a terminal" };
        var command = new Command("replay",
            "Re-run a saved counterexample on the scenario it names (its path is relative to the JSON file), with its recorded "
            + "variants, pruned machine and events. Says so when the scenario changed since it was recorded. "
            + "Prints the same counterexample and exits 1 if the invariant still fails, 0 if it no longer does.\n"
            + "Example: checker replay cex.json --property NonAcsSiblingsShareGroup --verbose\n" + Cli.ExitCodesHelp)
        {
            file, json, index, property, embedded, verbose, step,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var saved = SavedCounterexample.Load(path, parse.GetValue(index), parse.GetValue(property));
            var (machine, source, note) = saved.Scenario(parse.GetValue(embedded));
            if (note is not null)
                err.WriteLine($"checker: {note}");
            bool trace = parse.GetValue(verbose) || parse.GetValue(step);
            if (trace && !parse.GetValue(json))
                StateTrace.Print(saved.Pruned(machine), saved.ParseEvents(saved.Pruned(machine)), stdout,
                    parse.GetValue(step) && !Console.IsInputRedirected ? Console.In : null);
            var found = saved.Replay(machine);
            if (found is null)
            {
                stdout.WriteLine($"checker: {path}: {saved.Document.Property} no longer fails on replay ({saved.Document.Events.Length} events)");
                return (int)ExitCode.Ok;
            }
            var report = saved.Report(found, source);
            stdout.Write(parse.GetValue(json) ? DocumentJson.Write(report.ToDocument().RelativeTo("-")) : report.Text());
            return (int)ExitCode.Counterexample;
        });
        return command;
    }
}

/// <summary>A counterexample document read back from a file of any kind the checker writes: enough to rebuild the pruned machine and replay the events.</summary>
public sealed record SavedCounterexample(string File, CounterexampleDocument Document)
{
    /// <summary>
    /// Reads PATH: a counterexample (corpus entry), or the counterexample of a check, explore or
    /// matrix document chosen by INDEX (1-based) or PROPERTY (the first by default).
    /// </summary>
    public static SavedCounterexample Load(string path, int? index = null, string? property = null)
    {
        var text = Output.InputFile.ReadText(path, "counterexample document");
        var kind = DocumentJson.Kind(path, text);
        ImmutableArray<CounterexampleDocument> all = kind switch
        {
            "counterexample" => [DocumentJson.Read<CounterexampleDocument>(path, text)],
            "check" => DocumentJson.Read<CheckDocument>(path, text).Counterexamples,
            "explore" => DocumentJson.Read<ExploreDocument>(path, text).Counterexamples,
            "matrix" => [.. DocumentJson.Read<MatrixDocument>(path, text).Rows.SelectMany(r => r.Cells)
                .Select(c => c.Counterexample).OfType<CounterexampleDocument>()],
            _ => throw new UsageException($"{path}: \"document\": \"{kind}\" is not one of counterexample, check, explore, matrix"),
        };
        if (all.IsEmpty)
            throw new UsageException($"{path}: the {kind} document holds no counterexample: nothing to replay");
        if (index is int i)
        {
            if (i < 1 || i > all.Length)
                throw new UsageException($"--index {i}: {path} holds {all.Length} counterexample{(all.Length == 1 ? "" : "s")} (1..{all.Length})");
            all = [all[i - 1]];
        }
        if (property is not null)
        {
            all = [.. all.Where(c => c.Property == property)];
            if (all.IsEmpty)
                throw new UsageException($"--property {property}: {path} holds no counterexample of {property}");
        }
        return new SavedCounterexample(path, all[0]);
    }

    /// <summary>
    /// The scenario to replay on: the file the document names (relative to the document), or
    /// with EMBEDDED (or when the file is gone) the copy the document holds. NOTE says which was
    /// taken when the file differs from the recorded copy.
    /// </summary>
    public (Machine Machine, ScenarioDocument Source, string? Note) Scenario(bool embedded)
    {
        var recorded = Document.Scenario;
        var dir = Path.GetDirectoryName(Path.GetFullPath(File)) ?? ".";
        var full = Path.GetFullPath(Path.Combine(dir, recorded.Path));
        var shown = Path.GetRelativePath(Environment.CurrentDirectory, full);
        if (ScenarioDocuments.Sha256(recorded.Text) != recorded.Sha256)
            throw new UsageException($"{File}: the embedded scenario text does not match its sha256: the file was edited");
        string? current = null;
        try
        {
            current = System.IO.File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        string? note = null;
        if (current is null)
        {
            note = $"{shown} (recorded as {recorded.Path}) cannot be read: replaying the copy embedded in {File}";
            embedded = true;
        }
        else if (ScenarioDocuments.Sha256(current) != recorded.Sha256)
            note = embedded
                ? $"{shown} changed since the counterexample was recorded: replaying the recorded copy embedded in {File} (--embedded)"
                : $"{shown} changed since the counterexample was recorded (sha256 {recorded.Sha256[..12]} then, {ScenarioDocuments.Sha256(current)[..12]} now): "
                    + "replaying the current file; --embedded replays the recorded copy";
        var text = embedded ? recorded.Text : current!;
        var pairs = Document.Variants.Select(p => $"{p.Key}={p.Value}");
        Machine machine;
        try
        {
            machine = CommonOptions.LoadScenarioText(shown, text, pairs);
        }
        catch (UsageException e) when (e.Message.StartsWith("--variant ", StringComparison.Ordinal))
        {
            // The variants come from the document, not from a flag: name the document.
            throw new UsageException($"{File}: $.variants: {e.Message["--variant ".Length..]}");
        }
        return (machine, ScenarioDocuments.Of(full, text), note);
    }

    /// <summary>FULL pruned to the recorded devices, drivers and instances, with the recorded arrivals.</summary>
    public Machine Pruned(Machine full)
    {
        var keepDev = Document.Devices.ToHashSet();
        var keepDrv = Document.Drivers.Select(d => d.Name).ToHashSet();
        var keepIommu = Document.Iommus.ToHashSet();
        foreach (var name in keepDev.Where(n => full.DeviceIndex(n) < 0).Concat(keepDrv.Where(n => full.DriverIndex(n) < 0)))
            throw new UsageException($"{File}: the scenario has no '{name}' any more");
        var pruned = MachineEdit.Without(new Candidate(full, []),
            full.Devices.Where(d => !keepDev.Contains(d.Name)).Select(d => d.Index),
            full.Drivers.Where(d => !keepDrv.Contains(d.Name)).Select(d => d.Index),
            full.Iommus.Where(i => !keepIommu.Contains(i.Name)).Select(i => i.Index)).Machine;
        var drivers = pruned.Drivers.Select(d => d with { Arrival = Arrival(Document.Drivers.First(x => x.Name == d.Name)) }).ToImmutableArray();
        return pruned with { Drivers = drivers };
    }

    public ImmutableArray<Event> ParseEvents(Machine machine) =>
        [.. Document.Events.Select(text => EventText.Parse(machine, text) is { Event: { } e } ? e
            : throw new UsageException($"{File}: event '{text}' does not fit the pruned machine"))];

    /// <summary>Replays the events on FULL pruned; the counterexample if the invariant still breaks.</summary>
    public Counterexample? Replay(Machine full)
    {
        var machine = Pruned(full);
        var invariant = CommonOptions.SelectInvariants([Document.Property]).Single();
        return Counterexample.Replay(machine, ParseEvents(machine), invariant);
    }

    public Counterexample? Replay() => Replay(Scenario(embedded: false).Machine);

    public CounterexampleReport Report(Counterexample found, ScenarioDocument source) =>
        new(Document.Scenario.Path, source, found.Machine.Variants, Document.Seed, Document.Ordering, Document.OriginalEvents, found, Document.Replay,
            new CheckStats(Document.Stats.Tests, Document.Stats.Steps, Document.Stats.ShrinkSteps, Document.Stats.Milliseconds));

    private DriverArrival Arrival(DriverDocument d)
    {
        if (d.Arrival == "module")
            return DriverArrival.Module();
        if (d.Arrival != "builtin")
            throw new UsageException($"{File}: driver {d.Name}: arrival \"{d.Arrival}\" is not builtin or module");
        if (!Enum.TryParse<InitcallLevel>(d.Initcall, ignoreCase: true, out var level) || !Enum.IsDefined(level) || int.TryParse(d.Initcall, out _))
            throw new UsageException($"{File}: driver {d.Name}: initcall \"{d.Initcall}\" is not one of {string.Join(", ", Enum.GetNames<InitcallLevel>().Select(n => n.ToLowerInvariant()))}");
        return new DriverArrival(true, level, d.LinkOrder ?? throw new UsageException($"{File}: driver {d.Name}: a built-in driver needs linkOrder"));
    }
}
