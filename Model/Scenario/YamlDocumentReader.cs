using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Checker.Model.Scenario;

/// <summary>
/// Turns scenario text into the root node of its one YAML document, enforcing the size limits
/// before anything else reads it: the text size, then, on the parser's events while they are
/// read and before any node is built, the nesting depth (YamlDotNet builds the node tree
/// recursively) and the number of nodes once aliases are expanded (a "billion laughs" file is
/// small but expands without bound; a long flat list is big without any alias). An alias whose
/// anchor is not defined before it, or is still open (a node containing itself), is an error at
/// the alias's own line.
/// </summary>
internal static class YamlDocumentReader
{
    public const string DocumentField = "(document)";
    public const string SyntaxField = "(yaml)";

    public static YamlNode ReadRoot(ScenarioFile file, string text)
    {
        CheckSize(file, text);
        var stream = Parse(file, text);
        if (stream.Documents.Count == 0)
            throw file.Error(1, DocumentField, "empty file: no YAML document");
        if (stream.Documents.Count > 1)
            throw file.Error(stream.Documents[1].RootNode, DocumentField,
                $"expected one YAML document, found {stream.Documents.Count}");
        var root = stream.Documents[0].RootNode;
        // YamlDotNet places the implicit empty node of `---` after the marker; the file as a
        // whole is what is empty, so point at its start.
        if (Scalars.IsNull(root))
            throw file.Error(root is YamlScalarNode { Value: "" } ? 1 : root.Start.Line, DocumentField, "empty document");
        return root;
    }

    private static void CheckSize(ScenarioFile file, string text)
    {
        // A string longer than the limit in UTF-16 units is longer in UTF-8 bytes too.
        long bytes = text.Length > ScenarioLimits.MaxTextBytes ? text.Length : Encoding.UTF8.GetByteCount(text);
        if (bytes > ScenarioLimits.MaxTextBytes)
            throw file.Error(1, "(file)", $"the text is larger than {ScenarioLimits.MaxTextBytes} bytes");
    }

    private static YamlStream Parse(ScenarioFile file, string text)
    {
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var stream = new YamlStream();
        try
        {
            stream.Load(new EventParser(Limited(new Parser(scanner), file)));
        }
        catch (YamlException e)
        {
            long line = e.Start.Line > 0 ? e.Start.Line : Math.Max(1, scanner.CurrentPosition.Line);
            throw file.Error(line, SyntaxField, $"YAML syntax error: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet reports some malformed input (e.g. an unclosed flow list) with a bare
            // InvalidOperationException; the scanner still knows where it stopped.
            throw file.Error(Math.Max(1, scanner.CurrentPosition.Line), SyntaxField,
                "YAML syntax error: the parser cannot continue here (look for an unclosed [ or { above)");
        }
        return stream;
    }

    /// <summary>
    /// The parser's events, stopping at a nesting deeper than <see cref="ScenarioLimits.MaxYamlDepth"/>,
    /// at more than <see cref="ScenarioLimits.MaxYamlNodes"/> nodes counted as a reader visits them
    /// (an alias counts its anchor's whole subtree again), and at an alias without a complete anchor.
    /// </summary>
    private static IEnumerator<ParsingEvent> Limited(IParser parser, ScenarioFile file)
    {
        long count = 0;
        bool aliased = false;
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long Start)>();
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            long line = e.Start.Line;
            switch (e)
            {
                case MappingStart or SequenceStart:
                    if (open.Count + 1 > ScenarioLimits.MaxYamlDepth)
                        throw file.Error(line, DocumentField, $"mappings and lists nest deeper than {ScenarioLimits.MaxYamlDepth} levels (the nesting limit)");
                    var anchor = ((NodeEvent)e).Anchor;
                    open.Push((anchor.IsEmpty ? null : anchor.Value, count));
                    if (!anchor.IsEmpty)
                        anchors.Remove(anchor.Value);
                    count++;
                    break;
                case MappingEnd or SequenceEnd:
                    var (name, start) = open.Pop();
                    if (name is not null)
                        anchors[name] = count - start;
                    break;
                case Scalar scalar:
                    count++;
                    if (!scalar.Anchor.IsEmpty)
                        anchors[scalar.Anchor.Value] = 1;
                    break;
                case AnchorAlias alias:
                    var target = alias.Value.Value;
                    if (!anchors.TryGetValue(target, out long size))
                        throw file.Error(line, DocumentField, open.Any(o => o.Anchor == target)
                            ? $"alias *{target} is inside the node its anchor &{target} names: a node cannot contain itself"
                            : $"alias *{target} has no anchor &{target} before it (undefined alias)");
                    count += size;
                    aliased = true;
                    break;
            }
            if (count > ScenarioLimits.MaxYamlNodes)
                throw file.Error(line, DocumentField, aliased
                    ? $"YAML aliases expand beyond {ScenarioLimits.MaxYamlNodes} nodes (the node limit, each alias counting its anchor's nodes again)"
                    : $"more than {ScenarioLimits.MaxYamlNodes} YAML nodes (the node limit)");
            yield return e;
        }
    }

    /// <summary>An event stream seen as the <see cref="IParser"/> that <see cref="YamlStream.Load(IParser)"/> reads.</summary>
    private sealed class EventParser(IEnumerator<ParsingEvent> events) : IParser
    {
        private readonly IEnumerator<ParsingEvent> _events = events;

        public ParsingEvent? Current => _events.Current;

        public bool MoveNext() => _events.MoveNext();
    }
}
