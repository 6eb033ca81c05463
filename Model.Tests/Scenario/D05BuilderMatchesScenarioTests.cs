using Checker.Model.State;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Scenario;

/// <summary>The D05 built in code for model tests is the same machine as the scenario files describe.</summary>
public class D05BuilderMatchesScenarioTests
{
    private static IEnumerable<string> Shape(Machine m) =>
        m.Devices.Select(d => $"{d.Name} {d.Bus} {d.Firmware} iommu={Name(m, d.Iommu)} coherent={d.Coherent} present={d.PresentAtBoot} "
            + (d.Pci is { } p ? $"{p.Type} parent={(p.ParentBridge is int b ? m.Devices[b].Name : "-")} mf={p.Multifunction} acs={p.Acs} pf={(p.PhysFn is int f ? m.Devices[f].Name : "-")}" : ""))
        .Concat(m.Drivers.Select(d => $"driver {d.Name} {d.Bus} builtin={d.Arrival.Builtin} matches={string.Join(",", d.Matches.Select(x => m.Devices[x].Name))}"))
        .Concat(m.Index.BuiltinOrder.Select(d => $"link {m.Drivers[d].Name}"))
        .Concat(m.Iommus.Select(i => $"iommu {i.Name} {DeviceName(m, i.Device)} {(i.Driver is int drv ? m.Drivers[drv].Name : "-")}"))
        .Concat(m.Script.Select(a => $"script {Events.EventText.Format(m, a.Event)}"));

    private static string Name(Machine m, int? iommu) => iommu is int i ? m.Iommus[i].Name : "-";

    private static string DeviceName(Machine m, int? device) => device is int d ? m.Devices[d].Name : "-";

    [Fact]
    public void The_builtin_builder_is_the_builtin_scenario() =>
        Assert.Equal(Shape(ScenarioFiles.Load("hisilicon-d05-builtin")), Shape(D05.Builtin()));

    [Fact]
    public void The_module_builder_is_the_module_scenario() =>
        Assert.Equal(Shape(ScenarioFiles.Load("hisilicon-d05-mlx5-module")), Shape(D05.Mlx5Module()));
}
