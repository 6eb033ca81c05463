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
    public static SavedCounterexample Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
            var r = doc.RootElement;
            if (r.GetProperty("status").GetString() != "counterexample")
                throw new UsageException($"{path}: status is not \"counterexample\": nothing to replay");
            var stats = r.GetProperty("stats");
            return new SavedCounterexample(path,
                r.GetProperty("scenario").GetString()!,
                [.. r.GetProperty("variants").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}")],
                r.GetProperty("property").GetString()!,
                r.GetProperty("seed").GetUInt64(),
                r.GetProperty("ordering").GetInt32(),
                r.GetProperty("originalEvents").GetInt32(),
                Strings(r, "events"), Strings(r, "devices"),
                [.. r.GetProperty("drivers").EnumerateArray().Select(Driver)],
                Strings(r, "iommus"),
                r.GetProperty("replay").GetString()!,
                new CheckStats(stats.GetProperty("tests").GetInt32(), stats.GetProperty("steps").GetInt64(),
                    stats.GetProperty("shrinkSteps").GetInt32(), stats.GetProperty("milliseconds").GetInt64()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot read: {e.Message}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new UsageException($"{path}: not a counterexample written by `check --json`: {e.Message}");
        }
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

    private static ImmutableArray<string> Strings(JsonElement r, string name) =>
        [.. r.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    private static (string, DriverArrival) Driver(JsonElement e)
    {
        var name = e.GetProperty("name").GetString()!;
        if (e.GetProperty("arrival").GetString() == "module")
            return (name, DriverArrival.Module());
        var level = Enum.Parse<InitcallLevel>(e.GetProperty("initcall").GetString()!, ignoreCase: true);
        return (name, new DriverArrival(true, level, e.GetProperty("linkOrder").GetInt32()));
    }
}
