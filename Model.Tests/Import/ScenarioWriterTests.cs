using Checker.Model.Scenario;

namespace Checker.Model.Tests.Import;

public class ScenarioWriterTests
{
    public static TheoryData<string> Scenarios() => [.. ScenarioFiles.All()];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_scenario_file_round_trips_through_the_writer_and_the_loader(string file)
    {
        var m = ScenarioFiles.Load(file);
        var written = ScenarioWriter.Write(m);
        var again = ScenarioLoader.Load(file, written);
        Assert.Equal(written, ScenarioWriter.Write(again));
        Assert.Equal(m.Devices.Select(d => d with { Source = default }), again.Devices.Select(d => d with { Source = default }));
        Assert.Equal(m.Variants, again.Variants);
        Assert.Equal(m.Script.Select(a => (a.Event, a.AtMicros)), again.Script.Select(a => (a.Event, a.AtMicros)));
    }

    [Fact]
    public void Names_with_quotes_and_backslashes_are_escaped()
    {
        Assert.Equal("\"a\\\"b\\\\c\"", ScenarioWriter.Quote("a\"b\\c"));
    }
}
