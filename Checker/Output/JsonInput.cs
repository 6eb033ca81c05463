using System.Text.Json;

namespace Checker.Cli.Output;

/// <summary>
/// A JSON input (a counterexample, a corpus entry) read with the bounded <see cref="InputFile"/>
/// and checked as it is read: every value is reached through a <see cref="JsonAt"/>, which knows
/// its JSON path (`$.drivers[1].initcall`), so a missing field, a null, a wrong type or an unknown
/// enum word is an exit 2 naming the file, the line and the path.
/// </summary>
public sealed class JsonInput : IDisposable
{
    private readonly byte[] _bytes;
    private readonly JsonDocument _doc;

    public string File { get; }

    private JsonInput(string file, byte[] bytes, JsonDocument doc) => (File, _bytes, _doc) = (file, bytes, doc);

    public JsonAt Root => new(this, _doc.RootElement, "$");

    /// <summary>Reads and parses PATH; WHAT names the document in messages ("counterexample").</summary>
    public static JsonInput Read(string path, string what)
    {
        var bytes = InputFile.ReadBytes(path, what);
        try
        {
            var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            return new JsonInput(path, bytes, doc);
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var why = e.Message.Split(" LineNumber:")[0].TrimEnd('.', ' ');
            throw new UsageException($"{path}:{line}: $: not valid JSON for a {what}: {why}");
        }
    }

    public void Dispose() => _doc.Dispose();

    public UsageException Error(string jsonPath, string message) =>
        new($"{File}:{LineOf(jsonPath)}: {jsonPath}: {message}");

    /// <summary>The line on which the value at JSONPATH starts (1 when it cannot be found, e.g. a missing field).</summary>
    private long LineOf(string jsonPath)
    {
        var reader = new Utf8JsonReader(_bytes, new JsonReaderOptions { MaxDepth = 64 });
        var path = new List<(bool IsArray, string Name, int Index)>();
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingName = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        continue;
                }
                // A value starts here: its path is the container's plus its name or index.
                string here;
                if (path.Count > 0 && path[^1].IsArray)
                {
                    var top = path[^1];
                    path[^1] = top with { Index = top.Index + 1 };
                    here = Format(path) ;
                }
                else
                    here = pendingName is null ? Format(path) : Format(path) + Segment(pendingName);
                if (here == jsonPath)
                    return 1 + _bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n');
                if (reader.TokenType == JsonTokenType.StartObject)
                    path.Add((false, here, -1));
                else if (reader.TokenType == JsonTokenType.StartArray)
                    path.Add((true, here, -1));
                pendingName = null;
            }
        }
        catch (JsonException)
        {
            // The document parsed once already; a reader failure here only loses the line.
        }
        return 1;
    }

    private static string Format(List<(bool IsArray, string Name, int Index)> path) =>
        path.Count == 0 ? "$" : path[^1].IsArray && path[^1].Index >= 0 ? $"{path[^1].Name}[{path[^1].Index}]" : path[^1].Name;

    internal static string Segment(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? "." + name : $"['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";
}

/// <summary>One value of a <see cref="JsonInput"/> with its JSON path; every read checks the type.</summary>
public readonly struct JsonAt
{
    private readonly JsonInput _input;

    public JsonElement Element { get; }
    public string Path { get; }

    internal JsonAt(JsonInput input, JsonElement element, string path) => (_input, Element, Path) = (input, element, path);

    public UsageException Error(string message) => _input.Error(Path, message);

    /// <summary>The required field NAME of this object.</summary>
    public JsonAt this[string name]
    {
        get
        {
            var path = Path + JsonInput.Segment(name);
            if (Element.ValueKind != JsonValueKind.Object)
                throw Error($"expected an object, got {Describe(Element)}");
            if (!Element.TryGetProperty(name, out var value))
                throw _input.Error(Path, $"missing required field '{name}'");
            return new JsonAt(_input, value, path);
        }
    }

    public string String()
    {
        if (Element.ValueKind != JsonValueKind.String)
            throw Error($"expected a string, got {Describe(Element)}");
        return Element.GetString()!;
    }

    public int Int32(int min = int.MinValue, int max = int.MaxValue) =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetInt64(out var v) && v >= min && v <= max ? (int)v
            : throw Error($"expected a whole number from {min} to {max}, got {Describe(Element)}");

    public long Int64(long min = long.MinValue) =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetInt64(out var v) && v >= min ? v
            : throw Error($"expected a whole number of at least {min}, got {Describe(Element)}");

    public ulong UInt64() =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetUInt64(out var v) ? v
            : throw Error($"expected a whole number from 0 to {ulong.MaxValue}, got {Describe(Element)}");

    /// <summary>One of WORDS (exactly as written), e.g. an initcall level.</summary>
    public T Choice<T>(IReadOnlyList<(string Word, T Value)> words)
    {
        var text = String();
        foreach (var (word, value) in words)
            if (word == text)
                return value;
        throw Error($"unknown value '{text}' (expected one of {string.Join(", ", words.Select(w => w.Word))})");
    }

    public IEnumerable<JsonAt> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array)
            throw Error($"expected a list, got {Describe(Element)}");
        var input = _input;
        var path = Path;
        return Element.EnumerateArray().Select((e, i) => new JsonAt(input, e, $"{path}[{i}]")).ToList();
    }

    public IEnumerable<(string Name, JsonAt Value)> Fields()
    {
        if (Element.ValueKind != JsonValueKind.Object)
            throw Error($"expected an object, got {Describe(Element)}");
        var input = _input;
        var path = Path;
        return Element.EnumerateObject().Select(p => (p.Name, new JsonAt(input, p.Value, path + JsonInput.Segment(p.Name)))).ToList();
    }

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string \"{Shorten(e.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Shorten(e.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => "nothing",
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
