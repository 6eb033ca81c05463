using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Checker.Model.Scenario;

/// <summary>
/// Turns scenario text into the root node of its one YAML document, enforcing the size limits
/// before anything else reads it: the text size, the nesting depth (YamlDotNet builds the node
/// tree recursively) and the number of nodes once aliases are expanded (a "billion laughs" file
/// is small but expands without bound).
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
        CountExpandedNodes(file, root);
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
            stream.Load(new EventParser(DepthLimited(new Parser(scanner), file)));
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

    /// <summary>Counts nodes as a reader would visit them: an alias counts its anchor's whole subtree again.</summary>
    private static void CountExpandedNodes(ScenarioFile file, YamlNode root)
    {
        // Children are counted when discovered, so the stack never holds more than the limit
        // even for a self-referencing anchor (`&a [*a, *a]`), whose expansion never ends.
        long count = 1;
        var pending = new Stack<YamlNode>();
        pending.Push(root);
        while (pending.TryPop(out var node))
        {
            IEnumerable<YamlNode> children = node switch
            {
                YamlSequenceNode seq => seq.Children,
                YamlMappingNode map => map.Children.SelectMany(kv => new[] { kv.Key, kv.Value }),
                _ => [],
            };
            foreach (var child in children)
            {
                if (++count > ScenarioLimits.MaxYamlNodes)
                    throw file.Error(child, DocumentField, $"YAML aliases expand beyond {ScenarioLimits.MaxYamlNodes} nodes");
                pending.Push(child);
            }
        }
    }

    /// <summary>The parser's events, stopping at a nesting deeper than <see cref="ScenarioLimits.MaxYamlDepth"/>.</summary>
    private static IEnumerator<ParsingEvent> DepthLimited(IParser parser, ScenarioFile file)
    {
        int depth = 0;
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            if (e is MappingStart or SequenceStart && ++depth > ScenarioLimits.MaxYamlDepth)
                throw file.Error(e.Start.Line, DocumentField, $"mappings and lists nest deeper than {ScenarioLimits.MaxYamlDepth} levels");
            if (e is MappingEnd or SequenceEnd)
                depth--;
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
