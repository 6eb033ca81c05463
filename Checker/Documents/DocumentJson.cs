using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checker.Cli.Documents;

/// <summary>
/// The one serializer of <see cref="Documents"/>: indented, `\n` newlines, readable escaping,
/// enums as their lower-case words, absent values as null; reading insists on every member the records require, so a
/// file with a missing, null or mistyped value is refused with the JSON path of the bad value.
/// </summary>
public static class DocumentJson
{
    /// <summary>Version of the document formats; bumped whenever a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 2;

    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>
    /// `checker VERSION`, the version of the tool that wrote a document (the package version,
    /// without the commit suffix, so that re-recording a document does not change it per commit).
    /// </summary>
    public static string Tool { get; } = "checker " + (typeof(DocumentJson).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown");

    public static string Write<T>(T document) => JsonSerializer.Serialize(document, Options) + "\n";

    /// <summary>The `document` member of the JSON in TEXT (what kind of document it is), or why it cannot be read.</summary>
    public static string Kind(string file, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new UsageException($"{file}: not a checker document: the JSON is not an object");
            if (!doc.RootElement.TryGetProperty("document", out var kind) || kind.ValueKind != JsonValueKind.String)
                throw new UsageException($"{file}: not a checker document: no \"document\" member (written by an older checker, or not by the checker at all)");
            if (doc.RootElement.TryGetProperty("schemaVersion", out var v) && v.ValueKind == JsonValueKind.Number
                && v.TryGetInt32(out int version) && version != SchemaVersion)
                throw new UsageException($"{file}: schemaVersion {version}: this checker reads schemaVersion {SchemaVersion}");
            return kind.GetString()!;
        }
        catch (JsonException e)
        {
            throw new UsageException($"{file}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}");
        }
    }

    /// <summary>Reads TEXT as a document of type T; a bad value is a <see cref="UsageException"/> naming its JSON path.</summary>
    public static T Read<T>(string file, string text) where T : class
    {
        try
        {
            var document = JsonSerializer.Deserialize<T>(text, Options)
                ?? throw new UsageException($"{file}: the document is null");
            Output.DocumentCheck.Validate(file, text, document);
            return document;
        }
        catch (JsonException e)
        {
            string where = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path}";
            throw new UsageException($"{file}: not a valid {typeof(T).Name.Replace("Document", "", StringComparison.Ordinal).ToLowerInvariant()} document{where} (line {e.LineNumber + 1}): {Describe(e)}");
        }
    }

    /// <summary>The gist of a serializer error in the checker's words, without .NET type names.</summary>
    private static string Describe(JsonException e)
    {
        var m = e.Message;
        if (m.Contains("missing required properties", StringComparison.OrdinalIgnoreCase) || m.Contains("required", StringComparison.OrdinalIgnoreCase))
            return "a required member is missing";
        if (m.Contains("null", StringComparison.OrdinalIgnoreCase))
            return "a value is null where one is required";
        if (m.Contains("could not be converted", StringComparison.OrdinalIgnoreCase))
            return "a value has the wrong type or is not one of the allowed words";
        return "the JSON does not have the expected shape";
    }
}
