using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

/// <summary>A counterexample comes with its causal chain, computed from the trace of the shrunk run.</summary>
public class ExplainTests
{
    [Fact]
    public void D05_explanation_names_the_ungrouped_root_port_the_event_that_left_it_so_and_why()
    {
        var r = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--property", "NonAcsSiblingsShareGroup", "--seed", "1", "--json", "-");
        Assert.Equal(1, r.Exit);
        var cx = CliRun.FirstCounterexample(r.Json);
        var steps = cx.GetProperty("explanation").GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(cx.GetProperty("events").GetArrayLength(), steps.Count);
        int portAdded = steps.Single(s => s.GetProperty("text").GetString() == "add 000a:10:00.0").GetProperty("event").GetInt32();
        var groupings = steps[^1].GetProperty("changes").EnumerateArray()
            .Where(c => c.GetProperty("function").GetString() == "pci_device_group").ToList();
        Assert.Equal(2, groupings.Count);
        Assert.All(groupings, g =>
        {
            Assert.Equal("000a:10:00.0", g.GetProperty("via").GetString());
            Assert.Equal(portAdded, g.GetProperty("viaEvent").GetInt32());
            Assert.Contains("never probed", g.GetProperty("reason").GetString());
        });
        Assert.Contains("000a:11:00.0 (group 0)", groupings[1].GetProperty("reason").GetString());

        var text = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--property", "NonAcsSiblingsShareGroup", "--seed", "1").Out;
        Assert.Contains($"it walked up to 000a:10:00.0, which had no group: it was added at event {portAdded} and never probed", text);
        Assert.Contains("really_probe: bound device 000a:11:00.0 to driver mlx5_core", text);
    }

    [Fact]
    public void A_deferred_root_port_is_explained_by_its_deferral_and_the_IOMMU_that_was_not_registered()
    {
        // A 7-event ordering of the mlx5-module D05 in which the root port defers (what `check --seed 1`
        // shrank to before shrinking reached the 6-event minimum, in which the port is never probed).
        var r = CliRun.Run("replay", Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", "explain", "d05-mlx5-deferred-port.json"), "--json");
        Assert.Equal(1, r.Exit);
        var cx = CliRun.FirstCounterexample(r.Json);
        var changes = cx.GetProperty("explanation").GetProperty("steps").EnumerateArray()
            .SelectMany(s => s.GetProperty("changes").EnumerateArray().Select(c => (Event: s.GetProperty("event").GetInt32(), Change: c))).ToList();
        var deferral = changes.First(c => c.Change.GetProperty("function").GetString() == "driver_deferred_probe_add");
        Assert.Contains("had not registered", deferral.Change.GetProperty("reason").GetString());
        var walk = changes.First(c => c.Change.GetProperty("via").GetString() == deferral.Change.GetProperty("device").GetString());
        Assert.Equal(deferral.Event, walk.Change.GetProperty("viaEvent").GetInt32());
        Assert.Contains($"its probe was deferred at event {deferral.Event}", walk.Change.GetProperty("reason").GetString());
    }

    [Fact]
    public void A_root_port_bound_after_a_failed_group_add_is_explained_by_the_failure_not_by_its_IOMMU()
    {
        // parent-link on the D05 with faults: the root port's group add fails (-ENOSPC), it binds
        // without a group, and its functions each get their own. The IOMMU was registered all along.
        var r = CliRun.Run("replay", Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", "explain", "d05-parent-link-attach-failed.json"), "--json");
        Assert.Equal(1, r.Exit);
        var cx = CliRun.FirstCounterexample(r.Json);
        var groupings = cx.GetProperty("explanation").GetProperty("steps").EnumerateArray()
            .SelectMany(s => s.GetProperty("changes").EnumerateArray())
            .Where(c => c.GetProperty("function").GetString() == "pci_device_group").ToList();
        Assert.NotEmpty(groupings);
        Assert.All(groupings, g =>
        {
            string reason = g.GetProperty("reason").GetString()!;
            Assert.Contains("adding it to its group failed", reason);
            Assert.Contains("Failed to add to iommu group", reason);
            Assert.DoesNotContain("was not registered", reason);
        });
    }

    [Fact]
    public void Every_event_has_a_role_and_an_enabling_event_names_a_later_one()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(ScenarioFiles.Directory, "regressions"), "*.json"))
        {
            var r = CliRun.Run("replay", file, "--json");
            Assert.Equal(1, r.Exit);
            foreach (var step in r.Json.GetProperty("explanation").GetProperty("steps").EnumerateArray())
            {
                var role = step.GetProperty("role").GetString();
                Assert.Contains(role, new[] { "necessary", "enabling" });
                if (role == "enabling")
                    Assert.True(step.GetProperty("neededBy").GetInt32() > step.GetProperty("event").GetInt32(), file);
            }
        }
    }

    [Fact]
    public void Replay_verbose_prints_the_state_difference_after_each_event()
    {
        var r = CliRun.Run("replay", "scenarios/regressions/d05-split-group.json", "--verbose");
        Assert.Equal(1, r.Exit);
        Assert.Contains("State 0: boot", r.Out);
        Assert.Contains("State 6: after event 6, register mlx5_core", r.Out);
        Assert.Contains("device 000a:11:00.1: status unprobed -> bound, driver none -> mlx5_core, group none -> 1", r.Out);
        Assert.Contains("group 1: created by smmu-000a, members [000a:11:00.1]", r.Out);
        Assert.Contains("iommu smmu-000a: registered", r.Out);
    }
}
