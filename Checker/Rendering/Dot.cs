using System.Text;

namespace Checker.Cli.Rendering;

/// <summary>
/// A small Graphviz DOT writer: every identifier and label is written as a quoted string with `"`
/// and `\` escaped and line breaks as `\n`, so device names like `0002:f8:00.0` are safe.
/// </summary>
public sealed class Dot
{
    private readonly StringBuilder _text = new();
    private int _depth = 1;

    public Dot(string name, params (string Key, string Value)[] attributes)
    {
        _text.Append("digraph ").Append(Quote(name)).Append(" {\n");
        foreach (var (k, v) in attributes)
            Line($"{k}={Quote(v)};");
    }

    /// <summary>A quoted DOT string.</summary>
    public static string Quote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (char c in s)
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "",
                _ => c.ToString(),
            });
        return b.Append('"').ToString();
    }

    public Dot Defaults(string kind, params (string Key, string Value)[] attributes)
    {
        Line($"{kind} {Attributes(attributes)};");
        return this;
    }

    public Dot Node(string id, params (string Key, string Value)[] attributes)
    {
        Line($"{Quote(id)} {Attributes(attributes)};");
        return this;
    }

    public Dot Edge(string from, string to, params (string Key, string Value)[] attributes)
    {
        Line($"{Quote(from)} -> {Quote(to)}{(attributes.Length > 0 ? " " + Attributes(attributes) : "")};");
        return this;
    }

    /// <summary>Opens a cluster (`subgraph cluster_NAME`); close it with <see cref="EndCluster"/>.</summary>
    public Dot Cluster(string name, params (string Key, string Value)[] attributes)
    {
        Line($"subgraph {Quote("cluster_" + name)} {{");
        _depth++;
        foreach (var (k, v) in attributes)
            Line($"{k}={Quote(v)};");
        return this;
    }

    public Dot EndCluster()
    {
        _depth--;
        Line("}");
        return this;
    }

    public override string ToString() => _text + "}\n";

    private void Line(string s) => _text.Append(' ', 2 * _depth).Append(s).Append('\n');

    private static string Attributes((string Key, string Value)[] attributes) =>
        "[" + string.Join(", ", attributes.Select(a => $"{a.Key}={Quote(a.Value)}")) + "]";
}
