using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exhaustive;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Exhaustive;

/// <summary>
/// Exploration by parts (docs/explore.md, "Decomposition") against the whole machine explored to
/// exhaustion: where the parts decide "no violation", the whole machine has none in any
/// reachable state; where the whole machine has one, the parts decide nothing and the run is the
/// whole machine's.
/// </summary>
public class DecompositionTests
{
    /// <summary>
    /// The D05's split group in one domain, an empty root port under its own SMMU, and a domain with
    /// no IOMMU: three clusters, one with the bug under the default groups.
    /// </summary>
    public static Machine SplitAndPorts() => new MachineBuilder(Arch.Arm64)
        .Iommu("smmu-0002", "arm-smmu-v3.0.auto", "arm-smmu-v3")
        .Iommu("smmu-0004", "arm-smmu-v3.1.auto", "arm-smmu-v3")
        .Platform("arm-smmu-v3.0.auto", Firmware.Acpi)
        .Platform("arm-smmu-v3.1.auto", Firmware.Acpi)
        .HostBridge("0002", "f8", Firmware.Acpi, "smmu-0002")
        .HostBridge("0004", "88", Firmware.Acpi, "smmu-0004")
        .HostBridge("0007", "90", Firmware.Acpi, null)
        .Pci("0002:f8:00.0", PcieType.RootPort)
        .Pci("0002:f9:00.0", PcieType.Endpoint, "0002:f8:00.0", multifunction: true)
        .Pci("0002:f9:00.1", PcieType.Endpoint, "0002:f8:00.0", multifunction: true)
        .Pci("0004:88:00.0", PcieType.RootPort)
        .Pci("0007:90:00.0", PcieType.RootPort)
        .Pci("0007:91:00.0", PcieType.Endpoint, "0007:90:00.0")
        .Driver("pcieport", BusKind.Pci, ["0002:f8:00.0", "0004:88:00.0", "0007:90:00.0"])
        .Driver("arm-smmu-v3", BusKind.Platform, ["arm-smmu-v3.0.auto", "arm-smmu-v3.1.auto"])
        .Driver("serial", BusKind.Pci, ["0002:f9:00.0", "0002:f9:00.1", "0007:91:00.0"])
        .Script("boot")
        .Build("split-and-ports");

    /// <summary>
    /// SR-IOV after boot in one SMMU's domain (mlx5 built in), next to a second SMMU with a port and
    /// an endpoint, and a third SMMU with an ACPI platform master, which nothing adds or removes
    /// after boot: hotplug binds in one part are the other parts' foreign triggers.
    /// </summary>
    public static Machine SriovAndEndpoint() => new MachineBuilder(Arch.Arm64)
        .Iommu("smmu-000a", "arm-smmu-v3.3.auto", "arm-smmu-v3")
        .Iommu("smmu-000c", "arm-smmu-v3.4.auto", "arm-smmu-v3")
        .Platform("arm-smmu-v3.3.auto", Firmware.Acpi)
        .Platform("arm-smmu-v3.4.auto", Firmware.Acpi)
        .Iommu("smmu-sas", "arm-smmu-v3.6.auto", "arm-smmu-v3")
        .Platform("arm-smmu-v3.6.auto", Firmware.Acpi)
        .Platform("HISI0162:01", Firmware.Acpi, iommu: "smmu-sas")
        .HostBridge("000a", "10", Firmware.Acpi, "smmu-000a")
        .HostBridge("000c", "20", Firmware.Acpi, "smmu-000c")
        .Pci("000a:10:00.0", PcieType.RootPort)
        .Pci("000a:11:00.0", PcieType.Endpoint, "000a:10:00.0", multifunction: true)
        .Pci("000a:11:00.1", PcieType.Endpoint, "000a:10:00.0", multifunction: true)
        .Pci("000a:11:00.2", PcieType.Endpoint, "000a:10:00.0", physfn: "000a:11:00.0", present: false)
        .Pci("000c:20:00.0", PcieType.RootPort)
        .Pci("000c:21:00.0", PcieType.Endpoint, "000c:20:00.0")
        .Driver("pcieport", BusKind.Pci, ["000a:10:00.0", "000c:20:00.0"])
        .Driver("arm-smmu-v3", BusKind.Platform, ["arm-smmu-v3.3.auto", "arm-smmu-v3.4.auto", "arm-smmu-v3.6.auto"])
        .Driver("hisi_sas_v2", BusKind.Platform, ["HISI0162:01"])
        .Driver("mlx5_core", BusKind.Pci, ["000a:11:00.0", "000a:11:00.1", "000a:11:00.2", "000c:21:00.0"])
        .Script("boot")
        .Build("sriov-and-endpoint");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in new[] { "twin-ports", "split-and-ports", "sriov-and-endpoint" })
            foreach (var v in new[] { "default", "walk-down", "bus-replay", "per-instance", "6.15-devlink-off" })
                data.Add(name, v);
        return data;
    }

    private static Machine Load(string name) => name switch
    {
        "split-and-ports" => SplitAndPorts(),
        "sriov-and-endpoint" => SriovAndEndpoint(),
        _ => SmallMachines.Load(name),
    };

    /// <summary>A variant as ReductionTests names them, and 6.15 with fw_devlink off (with it on, a machine is not decomposed).</summary>
    private static Machine Under(Machine m, string variant) => variant == "6.15-devlink-off"
        ? m with { Variants = Variants.TryWith(m.Variants.WithEra(KernelEra.V6_15), "fw-devlink", "off").Result! }
        : ReductionTests.Under(m, variant);

    private static ExploreOptions Options(bool decompose) =>
        new ExploreOptions(Catalogue.All, Strategy.Bfs, 200, null, Shard.Whole, GenConfig.Default) with { Decompose = decompose };

    private static string Lengths(ExploreOutcome o) =>
        string.Join(", ", o.Found.Select(c => $"{c.Violation.Property}@{c.Events.Length}").Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_parts_decide_only_what_the_whole_machine_shows(string name, string variant)
    {
        var m = Under(Load(name), variant);
        Assert.Null(Decomposition.WhyNot(m, Options(true)));
        var whole = StateSpace.Explore(m, Options(decompose: false));
        Assert.True(whole.Complete, $"{name} {variant}: the whole machine is not exhausted ({whole.States} states)");
        Assert.Null(whole.Decomposition);
        var byParts = StateSpace.Explore(m, Options(decompose: true));
        Assert.NotNull(byParts.Decomposition);
        Assert.True(byParts.Complete);
        if (byParts.Decomposed)
            Assert.Empty(whole.Found);
        else
            Assert.Equal(whole.States, byParts.States);
        Assert.Equal(Lengths(whole), Lengths(byParts));
    }

    [Fact]
    public void The_parts_decide_a_machine_without_violations_and_leave_one_with_a_violation_to_the_whole()
    {
        var passes = StateSpace.Explore(ReductionTests.Under(SplitAndPorts(), "per-instance"), Options(true));
        Assert.True(passes.Decomposed);
        Assert.Equal(3, passes.Decomposition!.Parts.Length);
        Assert.Empty(passes.Found);

        var breaks = StateSpace.Explore(SplitAndPorts(), Options(true));
        Assert.False(breaks.Decomposed);
        Assert.Contains("NonAcsSiblingsShareGroup is broken in the part of arm-smmu-v3.0.auto", breaks.Decomposition!.Undecided);
        Assert.Contains(breaks.Found, f => f.Violation.Property == "NonAcsSiblingsShareGroup");
    }

    [Fact]
    public void The_d05_under_per_instance_groups_is_decided_by_its_parts_and_its_default_is_not()
    {
        var d05 = ScenarioFiles.Load("hisilicon-d05-builtin");
        var perInstance = StateSpace.Explore(ReductionTests.Under(d05, "per-instance"), Options(true) with { MaxDepth = 40 });
        Assert.True(perInstance.Decomposed, perInstance.Decomposition?.Undecided);
        Assert.True(perInstance.Complete);
        Assert.Equal(9, perInstance.Decomposition!.Parts.Length);
        Assert.Empty(perInstance.Found);

        var one = new ExploreOptions([Catalogue.All.First(i => i.Name == "NonAcsSiblingsShareGroup")], Strategy.Bfs, 40, null, Shard.Whole, GenConfig.Default);
        var byDefault = StateSpace.Explore(d05, one);
        Assert.False(byDefault.Decomposed);
        Assert.Equal(6, byDefault.Found.Single().Events.Length);
    }

    [Fact]
    public void Machines_the_argument_does_not_cover_are_explored_whole()
    {
        Assert.Equal("one cluster", Decomposition.WhyNot(SmallMachines.SplitGroup(), Options(true)));
        Assert.NotNull(Decomposition.WhyNot(SmallMachines.SriovModule(), Options(true)));
        Assert.NotNull(Decomposition.WhyNot(ReductionTests.Under(SplitAndPorts(), "defer-to-parent"), Options(true)));
        Assert.NotNull(Decomposition.WhyNot(ReductionTests.Under(SplitAndPorts(), "6.15"), Options(true)));
        Assert.NotNull(Decomposition.WhyNot(SplitAndPorts(), Options(true) with { PartialOrder = true }));
        Assert.NotNull(Decomposition.WhyNot(SplitAndPorts(), Options(true) with { Gen = GenConfig.Default.WithFaults() }));
        var whole = StateSpace.Explore(SmallMachines.SplitGroup(), Options(true) with { MaxDepth = 9 });
        Assert.Null(whole.Decomposition);
    }
}
