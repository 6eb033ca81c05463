using System.Collections.Immutable;
using Checker.Cli.Documents;
using Checker.Properties.Verdicts;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exploration;
using Checker.Properties.Explanation;
using Checker.Properties.Invariants;

namespace Checker.Cli.Rendering;

/// <summary>Figures about how a counterexample was found; they live only under `stats` in JSON.</summary>
public sealed record CheckStats(int Tests, long Steps, int ShrinkSteps, long Milliseconds);

/// <summary>
/// A shrunk counterexample as the user sees it: text for the terminal and the JSON document that
/// `checker replay` reads back. Everything but `stats` is a pure function of the inputs and seed.
/// </summary>
public sealed record CounterexampleReport(
    string Scenario,
    ScenarioDocument Source,
    Variants Variants,
    ulong Seed,
    int Ordering,
    int OriginalLength,
    Counterexample Shrunk,
    string Replay,
    CheckStats Stats)
{
    public string Property => Shrunk.Violation.Property;
    public ImmutableArray<string> Events => [.. Shrunk.Events.Select(e => EventText.Format(Shrunk.Machine, e))];

    private Explanation? _why;

    /// <summary>The causal chain of the shrunk run (<see cref="Explainer"/>).</summary>
    public Explanation Why => _why ??= Explainer.Explain(Shrunk, Catalogue.All.First(i => i.Name == Property));

    /// <summary>The boot log of the shrunk run, the breaking event's lines and the debug lines of the devices involved included.</summary>
    public IEnumerable<string> BootLog =>
        Runner.Run(Shrunk.Machine, Shrunk.Events.Select(e => new TimedEvent(e, null)), [], stopAtFirst: false)
            .Final.Log.Where(l => l.Level != LogLevel.Debug || l.Text.StartsWith("checker:", StringComparison.Ordinal) || Why.Involved.Contains(l.Device))
            .Select(l => l.Format());

    public string Text()
    {
        var m = Shrunk.Machine;
        var lines = new List<string>
        {
            $"checker: {Property} is broken after {Events.Length} events (ordering {Ordering} of seed {Seed}, shrunk from {OriginalLength} events)",
            $"  {Shrunk.Violation.Message}",
        };
        // Every violation of the breaking step, grouped under the invariant.
        if (Shrunk.Violation.Findings.Length > 1)
            lines.AddRange(Shrunk.Violation.Findings.Select((f, i) => $"    {i + 1}. {f.Message}"));
        lines.AddRange(["", "Events:"]);
        lines.AddRange(Events.Select((e, i) => $"  {i + 1,3}  {e}"));
        lines.Add("");
        lines.Add("Why (from the trace; necessary: without it the violation goes away; enabling: a later event needs it):");
        lines.Add($"  {Why.Summary}");
        foreach (var step in Why.Steps)
        {
            lines.Add($"  {step.Index,3}  {step.Event}  [{step.Role.Word()}{(step.NeededBy is int n ? $": event {n} needs it" : "")}]");
            foreach (var c in step.Changes)
                lines.Add($"         {c.Function}({c.Device}): {c.Change}{(c.Reason is null ? "" : $": {c.Reason}")}");
        }
        lines.Add("");
        lines.Add("Machine (pruned to what the failure needs):");
        lines.AddRange(MachineText.Describe(m).Select(l => "  " + l));
        lines.Add("");
        lines.Add("Boot log of the shrunk run:");
        lines.AddRange(BootLog);
        lines.Add("");
        lines.Add($"Seed: {Seed}");
        lines.Add($"Replay: {Replay}");
        return string.Concat(lines.Select(l => l + "\n"));
    }

    /// <summary>The counterexample document (its scenario path still absolute: <see cref="ScenarioDocuments.RelativeTo(CounterexampleDocument, string?)"/> places it).</summary>
    public CounterexampleDocument ToDocument()
    {
        var m = Shrunk.Machine;
        return new CounterexampleDocument(DocumentJson.SchemaVersion, DocumentJson.Tool, "counterexample", VerdictKind.Counterexample,
            Source, ScenarioDocuments.Variants(Variants), Property, Shrunk.Violation.Message, Seed, Ordering, OriginalLength, Events,
            [.. m.Devices.Select(d => d.Name)],
            [.. m.Drivers.Select(d => d.Arrival.Builtin
                ? new DriverDocument(d.Name, "builtin", d.Arrival.Level.ToString().ToLowerInvariant(), d.Arrival.LinkOrder)
                : new DriverDocument(d.Name, "module"))],
            [.. m.Iommus.Select(i => i.Name)],
            new ExplanationDocument(Why.Summary, [.. Why.Steps.Select(step => new ExplanationStepDocument(step.Index, step.Event, step.Role.Word(), step.NeededBy,
                [.. step.Changes.Select(c => new ExplanationChangeDocument(c.Function, c.Device, c.Change, c.Reason, c.Via, c.ViaEvent))]))]),
            [.. BootLog], Replay,
            new CounterexampleStatsDocument(Stats.Tests, Stats.Steps, Stats.ShrinkSteps, Stats.Milliseconds),
            [.. Shrunk.Violation.Findings.Select(f => new FindingDocument(f.Message, f.Devices))]);
    }
}

/// <summary>A machine described in a few lines: instances, devices, drivers.</summary>
public static class MachineText
{
    public static IEnumerable<string> Describe(Machine m)
    {
        foreach (var i in m.Iommus)
            yield return $"iommu  {i.Name}: device {(i.Device is int d ? m.Devices[d].Name : "-")}, driver {(i.Driver is int drv ? m.Drivers[drv].Name : "-")}"
                + (i.Contexts is int c ? $", {c} contexts" : "") + (i.DeferForever ? ", defer-forever" : "");
        foreach (var d in m.Devices)
            yield return $"device {d.Name}: {Device(m, d)}";
        foreach (var drv in m.Drivers)
            yield return $"driver {drv.Name}: {(drv.Arrival.Builtin ? "built-in" : "module")}, matches {string.Join(" ", drv.Matches.Select(x => m.Devices[x].Name))}";
    }

    private static string Device(Machine m, DeviceSpec d)
    {
        var parts = new List<string> { d.Bus.BusName(), d.Firmware == Firmware.Dt ? "dt" : "acpi" };
        if (d.Pci is { } p)
        {
            parts.Add(p.Type.TypeName());
            if (p.ParentBridge is int b)
                parts.Add("below " + m.Devices[b].Name);
            if (p.Multifunction)
                parts.Add("multifunction");
            if (p.Acs != AcsFlags.None)
                parts.Add("ACS " + p.Acs);
            if (p.PhysFn is int pf)
                parts.Add("VF of " + m.Devices[pf].Name);
        }
        parts.Add(d.Iommu is int i ? "behind " + m.Iommus[i].Name : "no IOMMU");
        if (d.Coherent)
            parts.Add("dma-coherent");
        return string.Join(", ", parts);
    }
}
