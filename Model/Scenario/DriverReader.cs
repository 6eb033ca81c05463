using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Scenario;

/// <summary>A `drivers` entry as written; device names are resolved once every list is read.</summary>
internal sealed record DriverDraft(
    Located<string> Name, BusKind Bus, IReadOnlyList<Located<string>> Matches, DriverArrival Arrival,
    ProbeDraft Probe, bool ArmIommuAttach, int Line, string Path);

/// <summary>The `probe` field: a fixed behaviour, or -EPROBE_DEFER until a device (by name) is bound.</summary>
internal sealed record ProbeDraft(ProbeBehaviour? Behaviour, Located<string>? DeferUntilBound);

/// <summary>Reads the `drivers` list: what each driver matches, how it arrives and how its probe behaves.</summary>
internal static class DriverReader
{
    private static readonly IReadOnlyList<(string, bool)> ArrivalWords = [("builtin", true), ("module", false)];

    private static readonly IReadOnlyList<(string, InitcallLevel)> InitcallWords =
    [
        ("core", InitcallLevel.Core), ("postcore", InitcallLevel.Postcore), ("arch", InitcallLevel.Arch),
        ("subsys", InitcallLevel.Subsys), ("fs", InitcallLevel.Fs), ("rootfs", InitcallLevel.Rootfs),
        ("device", InitcallLevel.Device),
    ];

    private static readonly ImmutableArray<string> Fields =
        ["name", "bus", "matches", "arrival", "initcall", "link-order", "probe", "arm-iommu-attach"];
    private static readonly ImmutableArray<string> ProbeFields = ["fail", "defer-until-bound"];

    public static IReadOnlyList<DriverDraft> Read(MappingFields top) =>
        top.List("drivers", ScenarioLimits.MaxDrivers, "drivers")
            .Select((item, position) => ReadDriver(MappingFields.Open(top.File, item.Node, item.Path, Fields), position))
            .ToList();

    private static DriverDraft ReadDriver(MappingFields f, int position)
    {
        var name = f.RequiredName("name");
        var bus = f.RequiredChoice("bus", DeviceReader.BusWords);
        _ = f.Required("matches");
        var matches = f.Names("matches");
        return new DriverDraft(name, bus, matches, ReadArrival(f, position), ReadProbe(f),
            f.Bool("arm-iommu-attach", false), f.Line, f.Path);
    }

    private static DriverArrival ReadArrival(MappingFields f, int position)
    {
        if (f.Choice("arrival", ArrivalWords, true))
        {
            var level = f.Choice("initcall", InitcallWords, InitcallLevel.Device);
            // int.MaxValue is the link position of modules; a built-in driver sorts before them.
            int linkOrder = f.Int("link-order", 0, int.MaxValue - 1) ?? position;
            return new DriverArrival(true, level, linkOrder);
        }
        foreach (var key in new[] { "initcall", "link-order" })
            if (f.Get(key) is { } node)
                throw f.File.Error(node, f.PathOf(key), "only a builtin driver has an initcall level and link order; a module arrives by modprobe");
        return DriverArrival.Module();
    }

    private static ProbeDraft ReadProbe(MappingFields driver)
    {
        var node = driver.Get("probe");
        if (node is null)
            return new ProbeDraft(ProbeBehaviour.Succeeds, null);
        var path = driver.PathOf("probe");
        if (node is YamlDotNet.RepresentationModel.YamlScalarNode { Value: "ok" } && !Scalars.IsNull(node))
            return new ProbeDraft(ProbeBehaviour.Succeeds, null);
        if (node is not YamlDotNet.RepresentationModel.YamlMappingNode)
            throw driver.File.Error(node, path,
                $"expected ok, {{ fail: ERRNO }} or {{ defer-until-bound: DEV }}, got {Scalars.Describe(node)}");
        var f = MappingFields.Open(driver.File, node, path, ProbeFields);
        if (f.Has("fail") == f.Has("defer-until-bound"))
            throw driver.File.Error(node, path, "give exactly one of fail or defer-until-bound");
        if (f.Get("fail") is { } fail)
        {
            var text = Scalars.Text(f.File, fail, f.PathOf("fail"));
            var errno = Errno.Parse(text)
                ?? throw f.File.Error(fail, f.PathOf("fail"),
                    $"'{text}' is not an errno (known: {string.Join(", ", Errno.Names.Select(n => "-" + n))} or -N)");
            return new ProbeDraft(new ProbeBehaviour.FailsWith(errno), null);
        }
        return new ProbeDraft(null, f.RequiredName("defer-until-bound"));
    }
}
