using System.Xml.Linq;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

/// <summary>Every run ends in one verdict: a run stopped before it tried everything asked is never a pass.</summary>
public class VerdictTests
{
    private static string Temp(string ext) => Path.Combine(Path.GetTempPath(), $"checker-verdict-{Guid.NewGuid():N}.{ext}");

    [Fact]
    public void Check_stopped_by_its_time_budget_is_incomplete_and_says_how_far_it_got()
    {
        var r = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--variant", "groups=per-instance", "--time-budget", "0.001", "--json", "-");
        Assert.Equal(4, r.Exit);
        Assert.Equal("incomplete", r.Json.GetProperty("verdict").GetString());
        Assert.Contains("of 10000 orderings tried", r.Json.GetProperty("reason").GetString());
        // Two properties have nothing to compare on the D05 (no DT device, no modular IOMMU driver): vacuous, not incomplete.
        Assert.All(r.Json.GetProperty("properties").EnumerateArray(), p => Assert.Equal(
            p.GetProperty("property").GetString() is "CoherentMaskCoversRange" or "IommuReloadIsClean" ? "vacuous" : "incomplete", p.GetProperty("verdict").GetString()));
        var text = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--variant", "groups=per-instance", "--time-budget", "0.001");
        Assert.Equal(4, text.Exit);
        Assert.DoesNotContain("passed", text.Out);
        Assert.StartsWith("checker: incomplete: stopped by the 0.001 s time budget", text.Out);
    }

    [Fact]
    public void Check_that_tries_every_ordering_asked_for_passes()
    {
        var r = CliRun.Run("check", "scenarios/probe-deferral-basic.yaml", "--max-tests", "50", "--json", "-");
        Assert.Equal(0, r.Exit);
        Assert.Equal("passed", r.Json.GetProperty("verdict").GetString());
        Assert.Equal(50, r.Json.GetProperty("tests").GetInt32());
    }

    [Fact]
    public void Check_without_all_leaves_the_other_properties_incomplete_and_junit_skips_them_with_the_reason()
    {
        var junit = Temp("xml");
        try
        {
            var r = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--seed", "1", "--junit", junit, "--json", "-");
            Assert.Equal(1, r.Exit);
            var verdicts = r.Json.GetProperty("properties").EnumerateArray().ToDictionary(p => p.GetProperty("property").GetString()!, p => p.GetProperty("verdict").GetString());
            Assert.Equal("counterexample", verdicts["NonAcsSiblingsShareGroup"]);
            Assert.Equal(9, verdicts.Values.Count(v => v == "incomplete"));
            Assert.Equal(["CoherentMaskCoversRange", "IommuReloadIsClean"], verdicts.Where(v => v.Value == "vacuous").Select(v => v.Key).Order());
            var skipped = XDocument.Load(junit).Descendants("skipped").ToList();
            Assert.Equal(11, skipped.Count);
            Assert.All(skipped, s => Assert.Matches("not checked after the first counterexample|^vacuous: ", (string?)s.Attribute("message")));
        }
        finally
        {
            File.Delete(junit);
        }
    }

    [Fact]
    public void Check_all_goes_on_after_the_first_broken_property_and_reports_every_property()
    {
        var r = CliRun.Run("check", "scenarios/virtio-iommu-reload.yaml", "--all", "--max-tests", "300", "--json", "-");
        Assert.Equal(1, r.Exit);
        var properties = r.Json.GetProperty("properties").EnumerateArray().ToList();
        Assert.Equal(12, properties.Count);
        Assert.DoesNotContain(properties, p => p.GetProperty("verdict").GetString() == "incomplete");
        var broken = properties.Where(p => p.GetProperty("verdict").GetString() == "counterexample").Select(p => p.GetProperty("property").GetString()).ToList();
        Assert.True(broken.Count >= 2, string.Join(", ", broken));
        Assert.Equal(broken.Order(), r.Json.GetProperty("counterexamples").EnumerateArray().Select(c => c.GetProperty("property").GetString()).Order());
        Assert.Equal(300, r.Json.GetProperty("tests").GetInt32());
    }

    [Fact]
    public void Explore_stopped_by_its_depth_bound_is_incomplete_with_unfinished_properties_skipped_in_junit()
    {
        var junit = Temp("xml");
        try
        {
            var r = CliRun.Run("explore", "scenarios/hisilicon-d05-builtin.yaml", "--variant", "groups=per-instance", "--depth", "2", "--no-decompose", "--junit", junit, "--json", "-");
            Assert.Equal(4, r.Exit);
            Assert.Equal("incomplete", r.Json.GetProperty("verdict").GetString());
            Assert.Contains("depth bound 2", r.Json.GetProperty("reason").GetString());
            var cases = XDocument.Load(junit).Descendants("testcase").ToList();
            Assert.Equal(12, cases.Count);
            Assert.All(cases, c => Assert.Matches("depth bound 2|^vacuous: ", (string?)c.Element("skipped")!.Attribute("message")));
            var text = CliRun.Run("explore", "scenarios/hisilicon-d05-builtin.yaml", "--variant", "groups=per-instance", "--depth", "2", "--no-decompose");
            Assert.DoesNotContain("passed", text.Out);
        }
        finally
        {
            File.Delete(junit);
        }
    }

    [Fact]
    public void Explore_that_covers_the_whole_space_passes()
    {
        var r = CliRun.Run("explore", "scenarios/probe-deferral-basic.yaml", "--json", "-");
        Assert.Equal(0, r.Exit);
        Assert.True(r.Json.GetProperty("complete").GetBoolean());
        Assert.Equal("passed", r.Json.GetProperty("verdict").GetString());
    }

    [Fact]
    public void A_property_with_nothing_to_compare_on_the_machine_is_vacuous_not_passed()
    {
        var scenario = Temp("yaml");
        try
        {
            File.WriteAllText(scenario, """
                kernel: { arch: arm64 }
                devices:
                  - { name: uart0, bus: platform, firmware: dt }
                drivers:
                  - { name: pl011, bus: platform, matches: [uart0] }
                """);
            var r = CliRun.Run("check", scenario, "--max-tests", "10", "--json", "-");
            Assert.Equal(0, r.Exit);
            var verdicts = r.Json.GetProperty("properties").EnumerateArray()
                .ToDictionary(p => p.GetProperty("property").GetString()!, p => (Verdict: p.GetProperty("verdict").GetString(), Reason: p.GetProperty("reason").GetString()));
            Assert.Equal("vacuous", verdicts["NonAcsSiblingsShareGroup"].Verdict);
            Assert.Equal("vacuous", verdicts["GroupedByOwnIommu"].Verdict);
            Assert.StartsWith("the machine has no IOMMU instance", verdicts["GroupedByOwnIommu"].Reason);
            Assert.Equal("passed", verdicts["CoherentMaskCoversRange"].Verdict);
            Assert.Equal("passed", r.Json.GetProperty("verdict").GetString());
        }
        finally
        {
            File.Delete(scenario);
        }
    }
}
