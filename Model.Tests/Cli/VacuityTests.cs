using Checker.Model.Scenario;
using Checker.Model.Tests.Import;
using Checker.Model.Tests.Support;
using Checker.Properties.Invariants;
using Checker.Properties.Verdicts;

namespace Checker.Model.Tests.Cli;

/// <summary>A run on a machine where nothing can break says so instead of "passed".</summary>
public class VacuityTests
{
    private static string ImportedWithoutIommu()
    {
        var output = Path.Combine(Path.GetTempPath(), $"checker-noiommu-{Guid.NewGuid():N}.yaml");
        var (exit, _, err) = Fixtures.Run("import", "--lspci", Fixtures.Path("import/d05-lspci-tv-pasted.txt"),
            "--base", Fixtures.Path("import/base-no-iommu.yaml"), "-o", output);
        Assert.True(exit == 0, err);
        return output;
    }

    [Fact]
    public void Check_of_an_imported_machine_without_an_IOMMU_warns_and_marks_the_json_vacuous()
    {
        var scenario = ImportedWithoutIommu();
        try
        {
            var r = CliRun.Run("check", scenario, "--max-tests", "20", "--json", "-");
            Assert.Equal(0, r.Exit);
            Assert.Contains("checker: warning: vacuous: the machine has no IOMMU instance", r.Err);
            Assert.Equal("vacuous", r.Json.GetProperty("verdict").GetString());
            Assert.True(r.Json.GetProperty("vacuous").GetBoolean());
            Assert.Contains("no device is behind a registered IOMMU", r.Json.GetProperty("vacuousReason").GetString());
            var text = CliRun.Run("check", scenario, "--max-tests", "20");
            Assert.StartsWith("checker: vacuous:", text.Out);
            Assert.DoesNotContain("passed", text.Out);
        }
        finally
        {
            File.Delete(scenario);
        }
    }

    [Fact]
    public void Explore_and_matrix_of_a_machine_without_an_IOMMU_are_vacuous_too()
    {
        var scenario = ImportedWithoutIommu();
        try
        {
            var explore = CliRun.Run("explore", scenario, "--depth", "3", "--json", "-");
            Assert.Contains("checker: warning: vacuous", explore.Err);
            Assert.Equal("vacuous", explore.Json.GetProperty("verdict").GetString());
            var matrix = CliRun.Run("matrix", scenario, "--max-tests", "5", "--property", "NonAcsSiblingsShareGroup", "--json", "-");
            Assert.Contains("checker: warning: vacuous", matrix.Err);
            var cell = matrix.Json.GetProperty("rows")[0].GetProperty("cells")[0];
            Assert.Equal("vacuous", cell.GetProperty("verdict").GetString());
            Assert.True(cell.GetProperty("vacuous").GetBoolean());
        }
        finally
        {
            File.Delete(scenario);
        }
    }

    [Fact]
    public void A_machine_with_devices_behind_an_IOMMU_passes_without_a_warning()
    {
        var r = CliRun.Run("check", ScenarioFiles.Path("hisilicon-d05-mlx5-module"), "--property", "GroupBookkeepingConsistent", "--max-tests", "20", "--json", "-");
        Assert.Equal("passed", r.Json.GetProperty("verdict").GetString());
        Assert.DoesNotContain("vacuous", r.Err);
        Assert.False(r.Json.GetProperty("vacuous").GetBoolean());
    }

    [Fact]
    public void A_chosen_property_with_nothing_to_compare_is_vacuous_on_a_machine_that_has_an_IOMMU()
    {
        // The D05 with everything built in: no IOMMU driver is a module, so none is ever reloaded.
        var d05 = ScenarioLoader.Load("d05", File.ReadAllText(ScenarioFiles.Path("hisilicon-d05-builtin")));
        Assert.Null(Vacuity.NoIommuReason(d05));
        Assert.Contains("no IOMMU driver is a module", Vacuity.Reason(d05, LifecycleInvariants.IommuReloadIsClean));
        Assert.Null(Vacuity.Reason(d05, GroupInvariants.NonAcsSiblingsShareGroup));
        var r = CliRun.Run("check", ScenarioFiles.Path("hisilicon-d05-builtin"), "--property", "IommuReloadIsClean", "--max-tests", "10", "--json", "-");
        Assert.Equal("vacuous", r.Json.GetProperty("verdict").GetString());
        Assert.Contains("checker: warning: vacuous: no IOMMU driver is a module", r.Err);
    }
}
