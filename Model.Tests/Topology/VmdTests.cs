using Checker.Model.Scenario;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Model.Topology;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Topology;

/// <summary>
/// A VMD domain (docs/semantics.md, "VMD"): the endpoint 0000:00:0e.0 and, in domain 10000, a root
/// port with ACS and an NVMe drive behind it, as on the HP Spectre x360 14t of the validation set.
/// 6.15 rules: pci_for_each_dma_alias() starts from pci_real_dma_dev(), so both join the endpoint's
/// group. 5.3 rules: device_to_iommu() refuses them, so they are in no group, and their DMA goes
/// through vmd_dma_ops to the endpoint's.
/// </summary>
public class VmdTests
{
    private static string Scenario(string version, string extraBridge = "") => $$"""
        kernel:
          arch: x86
          version: "{{version}}"
        iommus:
          - { name: dmar0 }
        host-bridges:
          - { domain: "0000", root-bus: "00", firmware: acpi, iommu: dmar0 }
          - { domain: "10000", root-bus: "e0", firmware: acpi, vmd: "0000:00:0e.0"{{extraBridge}} }
        devices:
          - { name: "0000:00:02.0", bus: pci, type: rc-integrated-endpoint }
          - { name: "0000:00:0e.0", bus: pci, type: rc-integrated-endpoint, vendor: "8086", device: "9a0b" }
          - { name: "10000:e0:1d.0", bus: pci, type: root-port, acs: [SV, RR, CR, UF] }
          - { name: "10000:e1:00.0", bus: pci, parent: "10000:e0:1d.0" }
        drivers:
          - { name: vmd, bus: pci, matches: ["0000:00:0e.0"] }
          - { name: pcieport, bus: pci, matches: ["10000:e0:1d.0"] }
          - { name: nvme, bus: pci, matches: ["10000:e1:00.0"] }
        script:
          - { do: boot }
        """;

    private static Machine Load(string version) => ScenarioLoader.Load("vmd.yaml", Scenario(version));

    [Fact]
    public void A_five_digit_domain_loads_and_its_functions_take_the_endpoints_iommu()
    {
        var m = Load("6.15");
        var endpoint = m.DeviceIndex("0000:00:0e.0");
        Assert.Equal(0x10000, m.Devices[m.DeviceIndex("10000:e1:00.0")].Pci!.Domain);
        Assert.Equal(endpoint, m.HostBridges.Single(h => h.Domain == 0x10000).Vmd);
        Assert.Equal(endpoint, Vmd.RealDmaDev(m, m.DeviceIndex("10000:e0:1d.0")));
        Assert.Null(Vmd.RealDmaDev(m, endpoint));
        Assert.All(m.Devices, d => Assert.Equal(0, d.Iommu));
    }

    [Fact]
    public void Under_6_15_the_vmd_domain_shares_the_endpoints_group_though_its_root_port_has_acs()
    {
        var m = Load("6.15");
        var partition = CanonicalPartition.For(m);
        int ep = m.DeviceIndex("0000:00:0e.0"), port = m.DeviceIndex("10000:e0:1d.0"), nvme = m.DeviceIndex("10000:e1:00.0");
        Assert.True(partition.MustShare(ep, port));
        Assert.True(partition.MustShare(ep, nvme));
        Assert.False(partition.MustShare(ep, m.DeviceIndex("0000:00:02.0")));
        Assert.Equal([port, ep], PciDeviceGroup.Walk(m, port).Visited);

        var run = Runner.RunScript(m, Catalogue.All);
        Assert.Empty(run.Violations);
        var w = run.Final;
        Assert.Equal(w.GroupOf("0000:00:0e.0"), w.GroupOf("10000:e0:1d.0"));
        Assert.Equal(w.GroupOf("0000:00:0e.0"), w.GroupOf("10000:e1:00.0"));
        Assert.NotEqual(w.GroupOf("0000:00:02.0"), w.GroupOf("0000:00:0e.0"));
    }

    [Fact]
    public void Under_5_3_the_vmd_domain_is_in_no_group_and_maps_its_dma_through_the_endpoint()
    {
        var m = Load("5.3");
        var partition = CanonicalPartition.For(m);
        int ep = m.DeviceIndex("0000:00:0e.0"), port = m.DeviceIndex("10000:e0:1d.0"), nvme = m.DeviceIndex("10000:e1:00.0");
        Assert.Equal(-1, partition.ComponentOf[port]);
        Assert.Equal(-1, partition.ComponentOf[nvme]);
        Assert.True(partition.ComponentOf[ep] >= 0);
        Assert.Equal([port], PciDeviceGroup.Walk(m, port).Visited);

        var run = Runner.RunScript(m, Catalogue.All);
        Assert.Empty(run.Violations);
        var w = run.Final;
        Assert.False(w.Dev("10000:e0:1d.0").IsGrouped);
        Assert.False(w.Dev("10000:e1:00.0").IsGrouped);
        Assert.True(w.Dev("0000:00:0e.0").IsGrouped);
        var ops = w.Dev("10000:e1:00.0").Ops;
        Assert.Equal((DmaOpsKind.Iommu, 0), (ops.Kind, ops.Instance));
        Assert.Equal(FallbackReason.None, w.Dev("10000:e1:00.0").Fallback);
    }

    [Fact]
    public void Without_a_domain_for_the_endpoint_the_5_3_children_fall_back_with_it_and_nothing_is_reported()
    {
        var m = Load("5.3");
        var w = Steps.Run(m, "fail-domain-alloc dmar0", "add 0000:00:0e.0", "add 0000:00:02.0", "add 10000:e0:1d.0", "add 10000:e1:00.0",
            "register vmd", "register pcieport", "register nvme");
        Assert.Equal(FallbackReason.NoDomain, w.Dev("10000:e1:00.0").Fallback);
        Assert.Equal(DmaOps.Null, w.Dev("10000:e1:00.0").Ops);
        Assert.DoesNotContain(Steps.Check(m, "fail-domain-alloc dmar0", "add 0000:00:0e.0", "add 0000:00:02.0", "add 10000:e0:1d.0",
            "add 10000:e1:00.0", "register vmd", "register pcieport", "register nvme").Broken(), b => b.StartsWith(nameof(DmaOpsInvariants.NoDmaBypass), StringComparison.Ordinal));
    }

    [Fact]
    public void A_vmd_domain_is_added_only_once_its_endpoint_is_present_and_goes_with_it()
    {
        var m = Load("6.15");
        var w = Checker.Model.Semantics.Kernel.Boot(m);
        Assert.Equal("VMD endpoint not present", Checker.Model.Semantics.Kernel.WhyDisabled(w, Steps.Parse(m, "add 10000:e0:1d.0")));
        w = Steps.Run(m, "add 0000:00:02.0", "add 0000:00:0e.0", "add 10000:e0:1d.0", "add 10000:e1:00.0",
            "register vmd", "register pcieport", "register nvme", "late-initcall", "hot-remove 0000:00:0e.0");
        Assert.False(w.Dev("10000:e0:1d.0").Present);
        Assert.False(w.Dev("10000:e1:00.0").Present);
        Assert.DoesNotContain(w.Groups.Values, g => g.Members.Contains(m.DeviceIndex("10000:e1:00.0")));
        // Added again, endpoint first: the domain joins the endpoint's new group, as at boot.
        w = Steps.Continue(w, "hot-add 0000:00:0e.0", "hot-add 10000:e0:1d.0", "hot-add 10000:e1:00.0");
        Assert.Equal(w.GroupOf("0000:00:0e.0"), w.GroupOf("10000:e1:00.0"));
    }

    [Fact]
    public void The_writer_gives_the_vmd_domain_its_vmd_field_and_reads_back_the_same_machine()
    {
        var m = Load("6.15");
        var text = ScenarioWriter.Write(m);
        Assert.Contains("  - { domain: \"10000\", root-bus: \"e0\", firmware: acpi, vmd: \"0000:00:0e.0\" }\n", text, StringComparison.Ordinal);
        var again = ScenarioLoader.Load("again.yaml", text);
        Assert.Equal(m.HostBridges.Select(h => (h.Domain, h.RootBus, h.Firmware, h.Iommu, h.Vmd)),
            again.HostBridges.Select(h => (h.Domain, h.RootBus, h.Firmware, h.Iommu, h.Vmd)));
        Assert.Equal(m.Devices.Select(d => (d.Name, d.Iommu, d.Pci)), again.Devices.Select(d => (d.Name, d.Iommu, d.Pci)));
    }

    [Theory]
    [InlineData(", iommu: dmar0", "remove this field")]
    public void A_vmd_domain_takes_no_iommu_of_its_own(string extra, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("vmd.yaml", Scenario("6.15", extra)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vmd: \"0000:00:0e.0\"", "vmd: \"10000:e0:1d.0\"", "is in the domain it would make")]
    [InlineData("vmd: \"0000:00:0e.0\"", "vmd: \"0000:00:0f.0\"", "0000:00:0f.0")]
    [InlineData("  - { name: \"10000:e0:1d.0\"", "  - { name: \"010000:e0:1d.0\"", "%04x")]
    [InlineData("domain: \"10000\"", "domain: \"010000\"", "'10000', not '010000'")]
    [InlineData("domain: \"10000\"", "domain: \"100000000\"", "up to 8")]
    [InlineData("domain: \"10000\"", "domain: \"80000000\"", "above 7fffffff")]
    public void Bad_vmd_domains_are_refused_with_a_reason(string from, string to, string message)
    {
        var text = Scenario("6.15").Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Scenario("6.15"), text);
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("vmd.yaml", text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vmd_domain_exists_on_x86_only()
    {
        var text = Scenario("6.15").Replace("arch: x86", "arch: arm64", StringComparison.Ordinal)
            .Replace("iommus:\n  - { name: dmar0 }\n", "", StringComparison.Ordinal).Replace(", iommu: dmar0", "", StringComparison.Ordinal);
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("vmd.yaml", text));
        Assert.Contains("x86 only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_domain_is_listed_after_its_endpoint()
    {
        var text = Scenario("6.15");
        const string endpoint = "  - { name: \"0000:00:0e.0\", bus: pci, type: rc-integrated-endpoint, vendor: \"8086\", device: \"9a0b\" }\n";
        text = text.Replace(endpoint, "", StringComparison.Ordinal).Replace("drivers:\n", endpoint + "drivers:\n", StringComparison.Ordinal);
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("vmd.yaml", text));
        Assert.Contains("listed after it", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Without an IOMMU nothing else ties a VMD domain to its endpoint, yet its functions are added
    /// only while the endpoint is present and DMA as it: the reductions of `explore` keep them in
    /// the endpoint's cluster and symmetry block (docs/explore.md, "Clusters", "Blocks").
    /// </summary>
    [Fact]
    public void Without_an_iommu_a_vmd_domain_is_in_its_endpoints_cluster()
    {
        var m = ScenarioLoader.Load("vmd.yaml", Scenario("6.15").Replace(", iommu: dmar0 }", " }"));
        var r = Checker.Properties.Exhaustive.Reduction.Of(m)!;
        int Cluster(string name) => r.ClusterIndex[m.DeviceIndex(name)];
        Assert.Equal(Cluster("0000:00:0e.0"), Cluster("10000:e1:00.0"));
        Assert.Equal(Cluster("0000:00:0e.0"), Cluster("10000:e0:1d.0"));
        Assert.Equal(Cluster("0000:00:0e.0"), Cluster("0000:00:02.0")); // one domain 0000
    }
}
