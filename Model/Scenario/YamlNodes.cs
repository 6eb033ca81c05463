using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Checker.Model.Scenario;

/// <summary>A value read from the scenario with the place it was written, for later cross-reference errors.</summary>
internal readonly record struct Located<T>(T Value, int Line, string Path);

/// <summary>The file being read: turns a node and a field path into a <see cref="ScenarioException"/>.</summary>
internal sealed class ScenarioFile(string name)
{
    public string Name { get; } = name;

    public ScenarioException Error(long line, string field, string message) =>
        new(new ScenarioError(Name, line > int.MaxValue ? int.MaxValue : (int)line, field, message));

    public ScenarioException Error(YamlNode node, string field, string message) =>
        Error(node.Start.Line, field, message);

    public ScenarioException Error<T>(Located<T> at, string message) => Error(at.Line, at.Path, message);
}

/// <summary>Typed reading of single YAML nodes; every failure names the node's line and field path.</summary>
internal static class Scalars
{
    /// <summary>A plain empty scalar, `~` or `null`: YAML's null, which no field accepts as a value.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "no value",
        YamlScalarNode s => $"'{Printable(s.Value ?? "")}'",
        _ => "an unknown node",
    };

    public static string Text(ScenarioFile file, YamlNode node, string path)
    {
        if (node is not YamlScalarNode { Value: { } value } || IsNull(node))
            throw file.Error(node, path, $"expected a string, got {Describe(node)}");
        return value;
    }

    /// <summary>A device, driver or IOMMU name: it appears in one-line event texts, so no blanks.</summary>
    public static Located<string> Name(ScenarioFile file, YamlNode node, string path)
    {
        var text = Text(file, node, path);
        if (text.Length == 0)
            throw file.Error(node, path, "a name must not be empty");
        if (text.Length > ScenarioLimits.MaxNameLength)
            throw file.Error(node, path, $"a name must be at most {ScenarioLimits.MaxNameLength} characters, got {text.Length}");
        if (text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw file.Error(node, path, $"a name must not contain blanks or control characters: '{Shorten(text)}'");
        return new Located<string>(text, Line(node), path);
    }

    public static bool Bool(ScenarioFile file, YamlNode node, string path) => node switch
    {
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "True" or "TRUE" } => true,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "false" or "False" or "FALSE" } => false,
        _ => throw file.Error(node, path, $"expected true or false, got {Describe(node)}"),
    };

    /// <summary>An integer in decimal or 0x-hex, within [min, max].</summary>
    public static long Integer(ScenarioFile file, YamlNode node, string path, long min, long max)
    {
        var text = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s && !IsNull(node) ? s.Value! : null;
        bool negative = text is not null && text.StartsWith('-');
        var digits = negative ? text![1..] : text;
        if (digits is null || !TryUnsigned(digits, out var magnitude))
            throw file.Error(node, path, $"expected an integer, got {Describe(node)}");
        long value = magnitude > (ulong)long.MaxValue ? (negative ? long.MinValue : long.MaxValue)
            : negative ? -(long)magnitude : (long)magnitude;
        if (magnitude > (ulong)long.MaxValue || value < min || value > max)
            throw file.Error(node, path, $"must be between {min} and {max}, got {text}");
        return value;
    }

    /// <summary>A non-negative 64-bit integer in decimal or 0x-hex (addresses and sizes).</summary>
    public static ulong Unsigned(ScenarioFile file, YamlNode node, string path)
    {
        var text = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s && !IsNull(node) ? s.Value! : null;
        if (text is not null && text.StartsWith('-'))
            throw file.Error(node, path, $"must not be negative, got {text}");
        if (text is null || !TryUnsigned(text, out var value))
            throw file.Error(node, path, $"expected an integer (decimal or 0x-hex, at most 64 bits), got {Describe(node)}");
        return value;
    }

    /// <summary>One of a fixed vocabulary, e.g. `pci` or `root-port`.</summary>
    public static T Choice<T>(ScenarioFile file, YamlNode node, string path, IReadOnlyList<(string Word, T Value)> words)
    {
        if (node is YamlScalarNode { Value: { } text } && !IsNull(node))
            foreach (var (word, value) in words)
                if (word == text)
                    return value;
        throw file.Error(node, path, $"expected one of {string.Join(", ", words.Select(w => w.Word))}, got {Describe(node)}");
    }

    /// <summary>The items of a list with their paths; a null value is an empty list.</summary>
    public static IReadOnlyList<(YamlNode Node, string Path)> List(ScenarioFile file, YamlNode node, string path)
    {
        if (IsNull(node))
            return [];
        if (node is not YamlSequenceNode seq)
            throw file.Error(node, path, $"expected a list, got {Describe(node)}");
        return seq.Children.Select((n, i) => (n, $"{path}[{i}]")).ToList();
    }

    public static int Line(YamlNode node) => node.Start.Line > int.MaxValue ? int.MaxValue : (int)node.Start.Line;

    private static bool TryUnsigned(string text, out ulong value)
    {
        value = 0;
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        var digits = hex ? text[2..] : text;
        return digits.Length > 0 && digits.All(hex ? char.IsAsciiHexDigit : char.IsAsciiDigit)
            && ulong.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    /// <summary>TEXT as a message can show it: control characters and U+FFFD as \uXXXX, shortened.</summary>
    public static string Printable(string text) =>
        Shorten(string.Concat(text.Select(c => char.IsControl(c) || c == '\ufffd' ? $"\\u{(int)c:x4}" : c.ToString())));
}

/// <summary>
/// The fields of one YAML mapping. Opening it rejects a non-mapping and any field not in the
/// schema, so a typo is never silently ignored.
/// </summary>
internal sealed class MappingFields
{
    private readonly IReadOnlyDictionary<string, YamlNode> _values;

    public ScenarioFile File { get; }
    public string Path { get; }
    public YamlNode Node { get; }
    public int Line => Scalars.Line(Node);

    private MappingFields(ScenarioFile file, YamlNode node, string path, IReadOnlyDictionary<string, YamlNode> values)
    {
        File = file;
        Node = node;
        Path = path;
        _values = values;
    }

    public static MappingFields Open(ScenarioFile file, YamlNode node, string path, IReadOnlyCollection<string> known)
    {
        var where = path.Length == 0 ? "(document)" : path;
        if (node is not YamlMappingNode map)
            throw file.Error(node, where, $"expected a mapping, got {Scalars.Describe(node)}");
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } || Scalars.IsNull(key))
                throw file.Error(key, where, $"a field name must be a string, got {Scalars.Describe(key)}");
            if (name.Length == 0)
                throw file.Error(key, where, $"a field name is empty (\"\"); expected one of {string.Join(", ", known)}");
            if (!known.Contains(name))
            {
                var shown = Scalars.Printable(name);
                throw file.Error(key, path.Length == 0 ? shown : $"{path}.{shown}", $"unknown field '{shown}' (known: {string.Join(", ", known)})");
            }
            values[name] = value;
        }
        return new MappingFields(file, node, path, values);
    }

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key) => _values.ContainsKey(key);

    public YamlNode? Get(string key) => _values.GetValueOrDefault(key);

    public YamlNode Required(string key) =>
        Get(key) ?? throw File.Error(Node, PathOf(key), $"missing required field '{key}'");

    public int LineOf(string key) => Get(key) is { } n ? Scalars.Line(n) : Line;

    public string? String(string key) => Get(key) is { } n ? Scalars.Text(File, n, PathOf(key)) : null;

    public Located<string>? Name(string key) => Get(key) is { } n ? Scalars.Name(File, n, PathOf(key)) : null;

    public Located<string> RequiredName(string key) => Scalars.Name(File, Required(key), PathOf(key));

    public bool Bool(string key, bool absent) => Get(key) is { } n ? Scalars.Bool(File, n, PathOf(key)) : absent;

    public int? Int(string key, int min, int max) =>
        Get(key) is { } n ? (int)Scalars.Integer(File, n, PathOf(key), min, max) : null;

    public T Choice<T>(string key, IReadOnlyList<(string Word, T Value)> words, T absent) =>
        Get(key) is { } n ? Scalars.Choice(File, n, PathOf(key), words) : absent;

    public T RequiredChoice<T>(string key, IReadOnlyList<(string Word, T Value)> words) =>
        Scalars.Choice(File, Required(key), PathOf(key), words);

    public IReadOnlyList<(YamlNode Node, string Path)> List(string key) =>
        Get(key) is { } n ? Scalars.List(File, n, PathOf(key)) : [];

    /// <summary>A list no longer than LIMIT; the error points at the first item beyond it.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> List(string key, int limit, string what)
    {
        var items = List(key);
        if (items.Count > limit)
            throw File.Error(items[limit].Node, PathOf(key), $"more than {limit} {what} (the limit is {limit})");
        return items;
    }

    /// <summary>A list of names, each given once.</summary>
    public IReadOnlyList<Located<string>> Names(string key)
    {
        var names = List(key).Select(item => Scalars.Name(File, item.Node, item.Path)).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
            if (!seen.Add(name.Value))
                throw File.Error(name, $"'{name.Value}' is listed twice");
        return names;
    }
}
