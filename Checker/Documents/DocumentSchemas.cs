using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Checker.Cli.Documents;

/// <summary>
/// The JSON Schema of each document, made from its record by the serializer's own exporter, so
/// the schema says exactly what <see cref="DocumentJson"/> writes and reads. docs/schemas/ holds
/// them; a test checks that those files are what this makes and that real outputs validate.
/// </summary>
public static class DocumentSchemas
{
    /// <summary>Each document's schema file name (under docs/schemas/) and record type.</summary>
    public static readonly IReadOnlyList<(string File, Type Type, string Title)> All =
    [
        ("counterexample.schema.json", typeof(CounterexampleDocument), "Checker counterexample (a corpus entry, replay --json)"),
        ("check.schema.json", typeof(CheckDocument), "Checker check --json"),
        ("explore.schema.json", typeof(ExploreDocument), "Checker explore --json"),
        ("matrix.schema.json", typeof(MatrixDocument), "Checker matrix --json"),
    ];

    /// <summary>The schema of TYPE as the text of its file.</summary>
    public static string For(Type type, string title)
    {
        var exported = JsonSchemaExporter.GetJsonSchemaAsNode(DocumentJson.Options, type,
            new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = title,
            ["description"] = $"Written and read by the checker (schemaVersion {DocumentJson.SchemaVersion}); docs/artifacts.md describes every member.",
        };
        foreach (var (key, value) in exported.AsObject().ToList())
        {
            exported.AsObject().Remove(key);
            root[key] = value;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, NewLine = "\n" }) + "\n";
    }
}
