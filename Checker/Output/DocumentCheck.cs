using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checker.Cli.Output;

/// <summary>
/// The checks a typed JSON document needs beyond what the serializer enforces, each failure an
/// exit 2 naming the file, the line and the JSON path of the bad value (`$.drivers[1].initcall`):
/// no null inside a list or map whose items are not nullable (the serializer only checks
/// members), and the words of a driver's arrival and initcall level.
/// </summary>
public static class DocumentCheck
{
    private static readonly NullabilityInfoContext Nullability = new();

    private static readonly IReadOnlyList<string> InitcallWords =
        [.. Enum.GetNames<Model.State.InitcallLevel>().Select(n => n.ToLowerInvariant())];

    /// <summary>Throws a <see cref="UsageException"/> for the first bad value of DOCUMENT, read from TEXT of FILE.</summary>
    public static void Validate(string file, string text, object document)
    {
        if (Find(document, "$") is { } bad)
            throw new UsageException($"{file}:{JsonLines.LineOf(text, bad.Path)}: {bad.Path}: {bad.Message}");
    }

    private static (string Path, string Message)? Find(object value, string path)
    {
        if (value is Documents.DriverDocument driver && Driver(driver, path) is { } wrong)
            return wrong;
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
                continue;
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var child = property.GetValue(value);
            var here = path + JsonLines.Segment(name);
            if (child is null || child is string || child.GetType().IsPrimitive || child.GetType().IsEnum)
                continue;
            if (IsDefaultArray(child))
                return (here, "expected a list, got null");
            var info = Nullability.Create(property);
            if (child is IDictionary map)
            {
                bool itemsNullable = info.GenericTypeArguments is [_, var v] && v.ReadState != NullabilityState.NotNull;
                foreach (DictionaryEntry entry in map)
                    if (Item(entry.Value, here + JsonLines.Segment((string)entry.Key), itemsNullable) is { } p)
                        return p;
            }
            else if (child is IEnumerable items)
            {
                bool itemsNullable = info.GenericTypeArguments is [var e] && e.ReadState != NullabilityState.NotNull;
                int i = 0;
                foreach (var item in items)
                    if (Item(item, $"{here}[{i++}]", itemsNullable) is { } p)
                        return p;
            }
            else if (IsDocument(child) && Find(child, here) is { } p)
                return p;
        }
        return null;
    }

    private static (string, string)? Item(object? item, string path, bool nullable)
    {
        if (item is null)
            return nullable ? null : (path, "expected a value, got null");
        return IsDocument(item) ? Find(item, path) : null;
    }

    private static (string, string)? Driver(Documents.DriverDocument d, string path)
    {
        if (d.Arrival is not ("builtin" or "module"))
            return (path + ".arrival", $"unknown value '{d.Arrival}' (expected builtin or module)");
        if (d.Arrival == "module")
            return null;
        if (d.Initcall is null)
            return (path + ".initcall", "a built-in driver needs its initcall level");
        if (!InitcallWords.Contains(d.Initcall))
            return (path + ".initcall", $"unknown value '{d.Initcall}' (expected one of {string.Join(", ", InitcallWords)})");
        if (d.LinkOrder is null)
            return (path + ".linkOrder", "a built-in driver needs its linkOrder");
        return null;
    }

    private static bool IsDocument(object o) => o.GetType().Namespace == typeof(Documents.DocumentJson).Namespace && o.GetType().IsClass;

    private static bool IsDefaultArray(object o) =>
        o.GetType().IsGenericType && o.GetType().GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
        && (bool)o.GetType().GetProperty("IsDefault")!.GetValue(o)!;
}

/// <summary>JSON paths as the checker prints them, and the line a path's value starts on.</summary>
public static class JsonLines
{
    public static string Segment(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? "." + name : $"['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>The line on which the value at JSONPATH starts in TEXT (1 when it is not there).</summary>
    public static long LineOf(string text, string jsonPath)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
        var open = new List<(bool IsArray, string Path, int Index)>();
        string? name = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        name = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        continue;
                }
                string here;
                if (open.Count > 0 && open[^1].IsArray)
                {
                    open[^1] = open[^1] with { Index = open[^1].Index + 1 };
                    here = $"{open[^1].Path}[{open[^1].Index}]";
                }
                else
                    here = open.Count == 0 ? "$" : open[^1].Path + Segment(name ?? "");
                if (here == jsonPath)
                    return 1 + bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n');
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    open.Add((reader.TokenType == JsonTokenType.StartArray, here, -1));
                name = null;
            }
        }
        catch (JsonException)
        {
            // The text parsed once already; a failure here only loses the line.
        }
        return 1;
    }
}
