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
        Assert.Equal(m.Devices.Select(Comparable), again.Devices.Select(Comparable));
        Assert.Equal(m.Variants, again.Variants);
        Assert.Equal(m.DeferredProbeTimeout, again.DeferredProbeTimeout);
        Assert.Equal(m.AcsOverride?.Text, again.AcsOverride?.Text);
        Assert.Equal(m.Script.Select(a => (a.Event, a.AtMicros)), again.Script.Select(a => (a.Event, a.AtMicros)));
    }

    /// <summary>A device without its source line, its alias list as text (ImmutableArray compares by reference).</summary>
    private static string Comparable(Checker.Model.State.DeviceSpec d) =>
        (d with { Source = default, Pci = d.Pci is null ? null : d.Pci with { DmaAliasOf = [] } }).ToString()
        + string.Join(",", d.Pci?.DmaAliasOf ?? []);

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    [InlineData(3600)]
    public void A_deferred_probe_timeout_other_than_the_default_is_written_and_read_back(int seconds)
    {
        var m = ScenarioFiles.Load("modular-smmu-dt-timeout-5s") with { DeferredProbeTimeout = seconds };
        var written = ScenarioWriter.Write(m);
        Assert.Contains($"  deferred-probe-timeout: {seconds}\n", written);
        Assert.Equal(seconds, ScenarioLoader.Load("t.yaml", written).DeferredProbeTimeout);
    }

    [Fact]
    public void Names_with_quotes_and_backslashes_are_escaped()
    {
        Assert.Equal("\"a\\\"b\\\\c\"", ScenarioWriter.Quote("a\"b\\c"));
    }
}
