using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

public class GraphCounterexampleTests
{
    [Fact]
    public void Graph_of_the_shrunk_D05_counterexample_with_its_scenario_shows_the_split_the_partition_forbids()
    {
        var json = Path.Combine(Path.GetTempPath(), $"checker-graph-{Guid.NewGuid():N}.json");
        var dot = Path.ChangeExtension(json, ".dot");
        try
        {
            Assert.Equal(1, CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--property", "NonAcsSiblingsShareGroup", "--seed", "1", "--json", json).Exit);
            var r = CliRun.Run("graph", "scenarios/hisilicon-d05-builtin.yaml", "--counterexample", json, "-o", dot);
            Assert.Equal(0, r.Exit);
            var text = File.ReadAllText(dot);
            Assert.Contains("group 0", text);
            Assert.Contains("group 1", text);
            Assert.Contains("partition: same group", text);
            Assert.Equal(2, CliRun.Run("graph", "scenarios/probe-deferral-basic.yaml", "--counterexample", json, "-o", dot + ".other").Exit);
            Assert.False(File.Exists(dot + ".other"));
        }
        finally
        {
            File.Delete(json);
            File.Delete(dot);
        }
    }
}
