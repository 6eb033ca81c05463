using Checker.Model.Scenario;

namespace Checker.Model.Tests.Scenario;

/// <summary>
/// A small valid scenario whose lines the error tests replace one at a time, so that the line an
/// error must name is visible in the test.
/// </summary>
internal static class ScenarioText
{
    public const string FileName = "test.yaml";

    public static readonly string[] Valid =
    [
        /*  1 */ "kernel:",
        /*  2 */ "  arch: arm64",
        /*  3 */ "iommus:",
        /*  4 */ "  - { name: smmu0, device: smmu-dev, driver: arm-smmu }",
        /*  5 */ "host-bridges:",
        /*  6 */ "  - { domain: \"0000\", root-bus: \"00\", firmware: dt, iommu: smmu0 }",
        /*  7 */ "devices:",
        /*  8 */ "  - { name: smmu-dev, bus: platform, firmware: dt }",
        /*  9 */ "  - { name: dma-dev, bus: platform, firmware: dt, iommu: smmu0 }",
        /* 10 */ "  - { name: \"0000:00:00.0\", bus: pci, type: root-port }",
        /* 11 */ "  - { name: \"0000:01:00.0\", bus: pci, parent: \"0000:00:00.0\", multifunction: true }",
        /* 12 */ "  - { name: \"0000:01:00.1\", bus: pci, parent: \"0000:00:00.0\", physfn: \"0000:01:00.0\", present: false }",
        /* 13 */ "drivers:",
        /* 14 */ "  - { name: arm-smmu, bus: platform, matches: [smmu-dev] }",
        /* 15 */ "  - { name: pl330, bus: platform, matches: [dma-dev] }",
        /* 16 */ "  - { name: pcieport, bus: pci, matches: [\"0000:00:00.0\"] }",
        /* 17 */ "  - { name: nic, bus: pci, matches: [\"0000:01:00.0\", \"0000:01:00.1\"], arrival: module }",
        /* 18 */ "script:",
        /* 19 */ "  - { do: boot }",
        /* 20 */ "  - { at: 10, do: modprobe, driver: nic }",
    ];

    public static string Text => Join(Valid);

    /// <summary>The valid scenario with line LINE (1-based) replaced by TEXT.</summary>
    public static string With(int line, string text)
    {
        var lines = (string[])Valid.Clone();
        lines[line - 1] = text;
        return Join(lines);
    }

    /// <summary>The valid scenario with TEXT inserted as line LINE (1-based).</summary>
    public static string Inserting(int line, string text) =>
        Join([.. Valid.Take(line - 1), text, .. Valid.Skip(line - 1)]);

    public static string Join(IEnumerable<string> lines) => string.Join("\n", lines) + "\n";

    /// <summary>Loads TEXT, expecting failure, and checks the error's file, line and field.</summary>
    public static ScenarioError Fails(string text, int line, string field)
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(FileName, text)).Error;
        Assert.Equal(FileName, error.File);
        Assert.Equal((line, field), (error.Line, error.Field));
        return error;
    }
}
