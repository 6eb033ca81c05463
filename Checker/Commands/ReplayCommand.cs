using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json;
using Checker.Cli.Rendering;
using Checker.Model.Events;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;
using Checker.Shrinkers;

namespace Checker.Cli.Commands;

/// <summary>`checker replay FILE.json`: re-run a saved counterexample; exit 1 if it still fails.</summary>
public static class ReplayCommand
{
    public static Command Create(TextWriter stdout)
    {
        var file = new Argument<string>("file") { Description = "A counterexample JSON file written by `check --json`" };
        var json = new Option<bool>("--json") { Description = "Print the counterexample as JSON (the same document `check --json` wrote)" };
        var command = new Command("replay",
            "Re-run a saved counterexample on the scenario it names, with its recorded variants, pruned machine and events. "
            + "Prints the same counterexample and exits 1 if the invariant still fails, 0 if it no longer does.\n" + Cli.ExitCodesHelp)
        {
            file, json,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var saved = SavedCounterexample.Load(path);
            var found = saved.Replay();
            if (found is null)
            {
                stdout.WriteLine($"checker: {path}: {saved.Property} no longer fails on replay ({saved.Events.Length} events)");
                return (int)ExitCode.Ok;
            }
            var report = saved.Report(found);
            stdout.Write(parse.GetValue(json) ? JsonOut.Write(report.WriteJson) : report.Text());
            return (int)ExitCode.Counterexample;
        });
        return command;
    }
}

/// <summary>A counterexample JSON document read back: enough to rebuild the pruned machine and replay the events.</summary>
public sealed record SavedCounterexample(
    string File, string Scenario, ImmutableArray<string> VariantPairs, string Property, ulong Seed, int Ordering, int OriginalEvents,
    ImmutableArray<string> Events, ImmutableArray<string> Devices, ImmutableArray<(string Name, DriverArrival Arrival)> Drivers,
    ImmutableArray<string> Iommus, string ReplayCommandLine, CheckStats Stats)
{
    /// <summary>Reads PATH (bounded), checking every field; a bad value is an exit 2 naming its line and JSON path.</summary>
    public static SavedCounterexample Load(string path)
    {
        using var input = Output.JsonInput.Read(path, "counterexample");
        var r = input.Root;
        if (r.Element.ValueKind != JsonValueKind.Object)
            throw r.Error($"expected a counterexample object, got {Output.JsonAt.Describe(r.Element)}");
        if (r["status"].String() != "counterexample")
            throw r["status"].Error($"status is not \"counterexample\": nothing to replay");
        var stats = r["stats"];
        return new SavedCounterexample(path,
            NonEmpty(r["scenario"]),
            [.. r["variants"].Fields().Select(p => $"{p.Name}={p.Value.String()}")],
            NonEmpty(r["property"]),
            r["seed"].UInt64(),
            r["ordering"].Int32(0),
            r["originalEvents"].Int32(0),
            Strings(r["events"]), Strings(r["devices"]),
            [.. r["drivers"].Items().Select(Driver)],
            Strings(r["iommus"]),
            r["replay"].String(),
            new CheckStats(stats["tests"].Int32(0), stats["steps"].Int64(0),
                stats["shrinkSteps"].Int32(0), stats["milliseconds"].Int64(0)));
    }

    /// <summary>The scenario reloaded, pruned to the recorded devices, drivers and instances, with the recorded arrivals.</summary>
    public Machine Machine()
    {
        var full = CommonOptions.LoadScenario(Scenario, VariantPairs);
        var keepDev = Devices.ToHashSet();
        var keepDrv = Drivers.Select(d => d.Name).ToHashSet();
        var keepIommu = Iommus.ToHashSet();
        foreach (var name in keepDev.Where(n => full.DeviceIndex(n) < 0).Concat(keepDrv.Where(n => full.DriverIndex(n) < 0)))
            throw new UsageException($"{File}: {Scenario} has no '{name}' any more");
        var pruned = MachineEdit.Without(new Candidate(full, []),
            full.Devices.Where(d => !keepDev.Contains(d.Name)).Select(d => d.Index),
            full.Drivers.Where(d => !keepDrv.Contains(d.Name)).Select(d => d.Index),
            full.Iommus.Where(i => !keepIommu.Contains(i.Name)).Select(i => i.Index)).Machine;
        var drivers = pruned.Drivers.Select(d => d with { Arrival = Drivers.First(x => x.Name == d.Name).Arrival }).ToImmutableArray();
        return pruned with { Drivers = drivers };
    }

    public Counterexample? Replay()
    {
        var machine = Machine();
        var invariant = CommonOptions.SelectInvariants([Property]).Single();
        var events = Events.Select(text => EventText.Parse(machine, text) is { Event: { } e } ? e
            : throw new UsageException($"{File}: event '{text}' does not fit the pruned machine")).ToImmutableArray();
        return Counterexample.Replay(machine, events, invariant);
    }

    public CounterexampleReport Report(Counterexample found) =>
        new(Scenario, found.Machine.Variants, Seed, Ordering, OriginalEvents, found, ReplayCommandLine, Stats);

    private static ImmutableArray<string> Strings(Output.JsonAt list) => [.. list.Items().Select(e => e.String())];

    private static string NonEmpty(Output.JsonAt at) =>
        at.String() is { Length: > 0 } text ? text : throw at.Error("must not be empty");

    private static readonly IReadOnlyList<(string, InitcallLevel)> InitcallWords =
        [.. Enum.GetValues<InitcallLevel>().Select(l => (l.ToString().ToLowerInvariant(), l))];

    private static readonly IReadOnlyList<(string, bool)> ArrivalWords = [("builtin", true), ("module", false)];

    private static (string, DriverArrival) Driver(Output.JsonAt e)
    {
        var name = NonEmpty(e["name"]);
        if (!e["arrival"].Choice(ArrivalWords))
            return (name, DriverArrival.Module());
        var level = e["initcall"].Choice(InitcallWords);
        return (name, new DriverArrival(true, level, e["linkOrder"].Int32(0)));
    }
}
