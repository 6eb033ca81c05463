using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Checker.Model.Events;
using Checker.Model.State;
using YamlDotNet.RepresentationModel;

namespace Checker.Model.Scenario;

/// <summary>A `script` entry as written: the action word and its arguments, names unresolved.</summary>
internal sealed record ActionDraft(
    Located<string> Do, long? AtMicros, IReadOnlyDictionary<string, Located<string>> Names, Located<int>? Count,
    int? Errno, int Line);

/// <summary>
/// Reads the `script` list. One form only, the mapping `{ at: 84.3, do: sriov-enable, pf: ..., count: 2 }`;
/// each action takes exactly the arguments it needs. Names are resolved against the built machine.
/// </summary>
internal static partial class ScriptReader
{
    /// <summary>Every action word with its arguments, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<(string Do, ImmutableArray<string> Arguments)> Actions =
    [
        ("boot", []), ("modprobe", ["driver"]), ("rmmod", ["driver"]), ("sriov-enable", ["pf", "count"]),
        ("unbind", ["dev"]), ("bind", ["dev", "driver"]), ("hot-add", ["dev"]), ("hot-remove", ["dev"]),
        ("wait", []), ("fail-next-probe", ["dev", "errno"]), ("fail-next-attach", ["dev"]),
        ("fail-domain-alloc", ["iommu"]),
    ];

    private static readonly IReadOnlyList<(string, string)> ActionWords = [.. Actions.Select(a => (a.Do, a.Do))];
    private static readonly ImmutableArray<string> NameArguments = ["dev", "driver", "pf", "iommu"];
    private static readonly ImmutableArray<string> Fields = ["at", "do", .. NameArguments, "count", "errno"];

    public static IReadOnlyList<ActionDraft> Read(MappingFields top)
    {
        var drafts = new List<ActionDraft>();
        (long Micros, int Line)? lastAt = null;
        foreach (var (node, path) in top.List("script", ScenarioLimits.MaxScriptActions, "script actions"))
        {
            if (node is YamlScalarNode && !Scalars.IsNull(node))
                throw top.File.Error(node, path,
                    "a script action is a mapping, not a string: write it as { at: 84.3, do: sriov-enable, pf: \"000a:11:00.0\", count: 2 }");
            var f = MappingFields.Open(top.File, node, path, Fields);
            var draft = ReadAction(f);
            if (draft.AtMicros is { } at)
            {
                if (lastAt is { } last && at < last.Micros)
                    throw f.File.Error(f.Get("at")!, f.PathOf("at"),
                        $"at: {FormatSeconds(at)} is earlier than the previous action's at: {FormatSeconds(last.Micros)} (line {last.Line}); times must not decrease");
                lastAt = (at, f.LineOf("at"));
            }
            drafts.Add(draft);
        }
        return drafts;
    }

    private static ActionDraft ReadAction(MappingFields f)
    {
        var verb = f.RequiredChoice("do", ActionWords);
        var arguments = Actions.First(a => a.Do == verb).Arguments;
        foreach (var key in Fields.Skip(2))
            if (f.Get(key) is { } node && !arguments.Contains(key))
                throw f.File.Error(node, f.PathOf(key), $"{verb} does not take '{key}' ({Takes(verb, arguments)})");
        foreach (var key in arguments)
            if (!f.Has(key))
                throw f.File.Error(f.Node, f.PathOf(key), $"{verb} needs '{key}' ({Takes(verb, arguments)})");

        var names = NameArguments.Where(f.Has).ToDictionary(key => key, key => f.RequiredName(key));
        Located<int>? count = f.Get("count") is { } c
            ? new Located<int>((int)Scalars.Integer(f.File, c, f.PathOf("count"), 1, ScenarioLimits.MaxVfCount), Scalars.Line(c), f.PathOf("count"))
            : null;
        int? errno = f.Get("errno") is { } e ? ReadErrno(f, e) : null;
        var at = f.Get("at") is { } a ? ReadSeconds(f, a) : (long?)null;
        return new ActionDraft(new Located<string>(verb, f.LineOf("do"), f.PathOf("do")), at, names, count, errno, f.Line);
    }

    private static string Takes(string verb, ImmutableArray<string> arguments) =>
        arguments.Length == 0 ? $"{verb} takes no arguments" : $"{verb} takes {string.Join(", ", arguments)}";

    private static int ReadErrno(MappingFields f, YamlNode node)
    {
        var text = Scalars.Text(f.File, node, f.PathOf("errno"));
        return Errno.Parse(text) ?? throw f.File.Error(node, f.PathOf("errno"),
            $"'{text}' is not an errno (known: {string.Join(", ", Errno.Names.Select(n => "-" + n))} or -N)");
    }

    /// <summary>Seconds as written (`84.3`), to exact microseconds: no floating point on the way.</summary>
    private static long ReadSeconds(MappingFields f, YamlNode node)
    {
        var path = f.PathOf("at");
        var match = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: { } text }
            ? Seconds().Match(text) : Match.Empty;
        if (!match.Success)
            throw f.File.Error(node, path,
                $"expected seconds as a decimal number >= 0 with at most 6 decimals (e.g. 84.3), got {Scalars.Describe(node)}");
        var whole = match.Groups["s"].Value.TrimStart('0');
        long seconds = whole.Length is 0 or > 8 ? 0 : long.Parse(whole, CultureInfo.InvariantCulture);
        long micros = match.Groups["us"].Success ? long.Parse(match.Groups["us"].Value.PadRight(6, '0'), CultureInfo.InvariantCulture) : 0;
        // The limit is on the whole time: 10000000.000001 is past it as much as 10000001 is.
        if (whole.Length > 8 || seconds * 1_000_000 + micros > (long)ScenarioLimits.MaxAtSeconds * 1_000_000)
            throw f.File.Error(node, path, $"must be at most {ScenarioLimits.MaxAtSeconds} seconds, got {match.Value}");
        return seconds * 1_000_000 + micros;
    }

    private static string FormatSeconds(long micros) =>
        (micros / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." +
        (micros % 1_000_000).ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0').PadRight(1, '0');

    /// <summary>Turns each draft into a <see cref="ScriptAction"/>, checking every name against the machine.</summary>
    public static ImmutableArray<ScriptAction> Resolve(ScenarioFile file, Machine m, IReadOnlyList<ActionDraft> drafts)
    {
        // The machine's own index is built lazily for the model and is not needed here; these
        // lookups stay linear in the machine's size.
        var names = new MachineNames(
            NameTable.Of("device", m.Devices.Select(d => d.Name)),
            NameTable.Of("driver", m.Drivers.Select(d => d.Name)),
            NameTable.Of("IOMMU instance", m.Iommus.Select(i => i.Name)),
            m.Devices.Where(d => d.Pci?.PhysFn is not null).CountBy(d => d.Pci!.PhysFn!.Value).ToDictionary());
        var actions = ImmutableArray.CreateBuilder<ScriptAction>(drafts.Count);
        Located<string>? boot = null;
        foreach (var d in drafts)
        {
            if (d.Do.Value == "boot")
            {
                if (boot is { } first)
                    throw file.Error(d.Do, $"the machine boots once; the script already boots at line {first.Line}");
                boot = d.Do;
            }
            actions.Add(new ScriptAction(ResolveEvent(file, m, names, d), d.AtMicros, new SourceLine(d.Line)));
        }
        return actions.MoveToImmutable();
    }

    private sealed record MachineNames(NameTable Devices, NameTable Drivers, NameTable Iommus, IReadOnlyDictionary<int, int> VfCount);

    private static Event ResolveEvent(ScenarioFile file, Machine m, MachineNames names, ActionDraft d)
    {
        int Dev(string key = "dev") => names.Devices.Resolve(file, d.Names[key]);
        int Drv() => names.Drivers.Resolve(file, d.Names["driver"]);
        return d.Do.Value switch
        {
            "boot" => new Boot(),
            "wait" => new DeferredWork(),
            "modprobe" => new Modprobe(ModuleDriver(file, m, d.Names["driver"], Drv())),
            "rmmod" => new Rmmod(ModuleDriver(file, m, d.Names["driver"], Drv())),
            "sriov-enable" => SriovEnable(file, names, d.Names["pf"], Dev("pf"), d.Count!.Value),
            "unbind" => new Unbind(Dev()),
            "bind" => Bind(file, m, d.Names["driver"], Dev(), Drv()),
            "hot-add" => new HotAdd(Dev()),
            "hot-remove" => new HotRemove(Dev()),
            "fail-next-probe" => new FailNextProbe(Dev(), d.Errno!.Value),
            "fail-next-attach" => new FailNextAttach(Dev()),
            "fail-domain-alloc" => new FailDomainAlloc(names.Iommus.Resolve(file, d.Names["iommu"])),
            var verb => throw new InvalidOperationException($"action '{verb}' passed the reader but has no event"),
        };
    }

    private static int ModuleDriver(ScenarioFile file, Machine m, Located<string> name, int driver) =>
        m.Drivers[driver].Arrival.Builtin
            ? throw file.Error(name, $"driver '{name.Value}' is built in; modprobe and rmmod need arrival: module")
            : driver;

    private static SriovEnable SriovEnable(ScenarioFile file, MachineNames names, Located<string> name, int pf, Located<int> count)
    {
        int vfs = names.VfCount.GetValueOrDefault(pf);
        if (vfs == 0)
            throw file.Error(name, $"'{name.Value}' is not a PF: no device names it as its physfn");
        if (count.Value > vfs)
            throw file.Error(count, $"PF '{name.Value}' has {vfs} VF(s) declared, fewer than {count.Value}");
        return new SriovEnable(pf, count.Value);
    }

    private static Bind Bind(ScenarioFile file, Machine m, Located<string> name, int dev, int driver) =>
        m.Drivers[driver].Matches.Contains(dev)
            ? new Bind(dev, driver)
            : throw file.Error(name, $"driver '{name.Value}' does not match device '{m.Devices[dev].Name}'");

    [GeneratedRegex("^(?<s>[0-9]+)(?:\\.(?<us>[0-9]{1,6}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Seconds();
}
