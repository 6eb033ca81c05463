using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Checker.Cli.Documents;
using Checker.Model.Tests.Support;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Checker.Model.Tests.Documents;

/// <summary>The JSON Schemas of docs/schemas/ say what the checker really writes, and what a scenario file really is.</summary>
public partial class SchemaTests
{
    private static string SchemaDir => Path.Combine(ScenarioFiles.RepoRoot, "docs", "schemas");

    private static JsonSchema Schema(string file) => JsonSchema.FromText(File.ReadAllText(Path.Combine(SchemaDir, file)));

    private static void AssertValid(JsonSchema schema, string json, string what)
    {
        using var doc = JsonDocument.Parse(json);
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{what}: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}")));
    }

    [Fact]
    public void Document_schema_files_are_the_ones_the_records_make()
    {
        // CHECKER_WRITE_SCHEMAS=1 rewrites them after a change to Checker/Documents.
        foreach (var (file, type, title) in DocumentSchemas.All)
        {
            var made = DocumentSchemas.For(type, title);
            var path = Path.Combine(SchemaDir, file);
            if (Environment.GetEnvironmentVariable("CHECKER_WRITE_SCHEMAS") == "1")
                File.WriteAllText(path, made);
            Assert.Equal(made, File.ReadAllText(path));
        }
    }

    [Fact]
    public void Real_outputs_validate_against_their_schemas()
    {
        var dir = Path.Combine(Path.GetTempPath(), "checker-schema-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var check = CliRun.Run("check", "scenarios/hisilicon-d05-builtin.yaml", "--seed", "1", "--json", "-");
            AssertValid(Schema("check.schema.json"), check.Out, "check (counterexample)");
            var passed = CliRun.Run("check", "scenarios/probe-deferral-basic.yaml", "--max-tests", "20", "--json", "-");
            AssertValid(Schema("check.schema.json"), passed.Out, "check (passed)");
            var incomplete = CliRun.Run("check", "scenarios/probe-deferral-basic.yaml", "--time-budget", "0.001", "--json", "-");
            AssertValid(Schema("check.schema.json"), incomplete.Out, "check (incomplete)");
            var explore = CliRun.Run("explore", "scenarios/coherent-mask-overflow.yaml", "--depth", "8", "--corpus", dir, "--json", "-");
            AssertValid(Schema("explore.schema.json"), explore.Out, "explore");
            var entries = Directory.GetFiles(dir, "*.json");
            Assert.NotEmpty(entries);
            foreach (var entry in entries)
                AssertValid(Schema("counterexample.schema.json"), File.ReadAllText(entry), "corpus entry");
            var replay = CliRun.Run("replay", entries[0], "--json");
            AssertValid(Schema("counterexample.schema.json"), replay.Out, "replay --json");
            var matrix = CliRun.Run("matrix", "scenarios/coherent-mask-overflow.yaml", "--property", "CoherentMaskCoversRange", "--max-tests", "20", "--json", "-");
            AssertValid(Schema("matrix.schema.json"), matrix.Out, "matrix");
            foreach (var regression in Directory.GetFiles(Path.Combine(ScenarioFiles.Directory, "regressions"), "*.json"))
                AssertValid(Schema("check.schema.json"), File.ReadAllText(regression), regression);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_document_schemas_reject_what_the_reader_rejects()
    {
        var check = CliRun.Run("check", "scenarios/probe-deferral-basic.yaml", "--max-tests", "5", "--json", "-").Out;
        var node = JsonNode.Parse(check)!.AsObject();
        node["verdict"] = "maybe";
        using var doc = JsonDocument.Parse(node.ToJsonString());
        Assert.False(Schema("check.schema.json").Evaluate(doc.RootElement).IsValid);
        node = JsonNode.Parse(check)!.AsObject();
        node.Remove("scenario");
        using var missing = JsonDocument.Parse(node.ToJsonString());
        Assert.False(Schema("check.schema.json").Evaluate(missing.RootElement).IsValid);
    }

    public static TheoryData<string> Scenarios => [.. ScenarioFiles.All()];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_bundled_scenario_validates_against_the_scenario_schema(string name)
    {
        var json = YamlToJson(File.ReadAllText(ScenarioFiles.Path(name)));
        AssertValid(Schema("scenario.schema.json"), json.ToJsonString(), name);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_bundled_scenario_names_the_schema_on_its_first_line(string name)
    {
        var path = ScenarioFiles.Path(name);
        var first = File.ReadLines(path).First();
        var relative = Path.GetRelativePath(Path.GetDirectoryName(path)!, Path.Combine(SchemaDir, "scenario.schema.json")).Replace('\\', '/');
        Assert.Equal($"# yaml-language-server: $schema={relative}", first);
    }

    [Fact]
    public void The_scenario_schema_rejects_an_unknown_field_and_a_wrong_value()
    {
        var schema = Schema("scenario.schema.json");
        using var unknown = JsonDocument.Parse(YamlToJson("kernel: { arch: arm64 }\nmachines: []\n").ToJsonString());
        Assert.False(schema.Evaluate(unknown.RootElement).IsValid);
        using var wrong = JsonDocument.Parse(YamlToJson("kernel: { arch: sparc }\n").ToJsonString());
        Assert.False(schema.Evaluate(wrong.RootElement).IsValid);
        using var fine = JsonDocument.Parse(YamlToJson("kernel: { arch: arm64 }\ndevices: [{ name: a, bus: platform, firmware: dt }]\n").ToJsonString());
        Assert.True(schema.Evaluate(fine.RootElement).IsValid);
    }

    /// <summary>
    /// YAML to JSON as an editor's YAML language server reads it (the YAML 1.2 core schema): plain
    /// scalars that are true/false, null or numbers become those, everything else a string.
    /// </summary>
    public static JsonNode YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode)!;

        static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
                KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
            YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
            YamlScalarNode s when s.Style is ScalarStyle.Plain => Plain(s.Value ?? ""),
            YamlScalarNode s => JsonValue.Create(s.Value),
            _ => throw new InvalidOperationException("unexpected YAML node"),
        };

        static JsonNode? Plain(string v)
        {
            if (v is "" or "~" or "null" or "Null" or "NULL")
                return null;
            if (v is "true" or "True" or "TRUE")
                return JsonValue.Create(true);
            if (v is "false" or "False" or "FALSE")
                return JsonValue.Create(false);
            if (Integer().IsMatch(v))
                return JsonValue.Create(decimal.Parse(v, CultureInfo.InvariantCulture));
            if (v.StartsWith("0x", StringComparison.Ordinal) && ulong.TryParse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
                return JsonValue.Create(hex);
            if (Float().IsMatch(v))
                return JsonValue.Create(double.Parse(v, CultureInfo.InvariantCulture));
            return JsonValue.Create(v);
        }
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
