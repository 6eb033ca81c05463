using Checker.Model.Events;
using Checker.Model.Scenario;

namespace Checker.Model.Tests.Scenario;

/// <summary>The full example of docs/scenario-format.md is a valid scenario.</summary>
public class DocsExampleTests
{
    private static string Example()
    {
        var doc = File.ReadAllText(Path.Combine(ScenarioFiles.RepoRoot, "docs", "scenario-format.md"));
        int start = doc.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        return doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void The_full_example_of_the_format_document_loads()
    {
        var m = ScenarioLoader.Load("docs/scenario-format.md", Example());
        Assert.Equal("format-example", m.Name);
        Assert.Equal((9, 6, 2, 1, 12), (m.Devices.Length, m.Drivers.Length, m.Iommus.Length, m.HostBridges.Length, m.Script.Length));
        Assert.Equal("sriov-enable 0000:01:00.0 1", EventText.Format(m, m.Script[3].Event));
        Assert.Equal(84_300_000L, m.Script[3].AtMicros);
    }
}
