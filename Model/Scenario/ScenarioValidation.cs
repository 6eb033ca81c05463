using System.Collections.Frozen;
using QuikGraph;
using QuikGraph.Algorithms;

namespace Checker.Model.Scenario;

/// <summary>The names of one kind of element (devices, drivers, IOMMUs), each defined once.</summary>
internal sealed class NameTable
{
    private readonly FrozenDictionary<string, int> _index;
    private readonly string _what;

    private NameTable(string what, FrozenDictionary<string, int> index) => (_what, _index) = (what, index);

    /// <summary>Indexes NAMES by position; a name defined twice is an error at its second definition.</summary>
    public static NameTable Build(ScenarioFile file, string what, IEnumerable<Located<string>> names)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = new List<int>();
        foreach (var name in names)
        {
            if (index.TryGetValue(name.Value, out var first))
                throw file.Error(name, $"duplicate {what} name '{name.Value}' (first defined at line {lines[first]})");
            index[name.Value] = lines.Count;
            lines.Add(name.Line);
        }
        return new NameTable(what, index.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>A table of names already known to be unique (those of a built machine).</summary>
    public static NameTable Of(string what, IEnumerable<string> names) =>
        new(what, names.Select((name, i) => (name, i)).ToFrozenDictionary(x => x.name, x => x.i, StringComparer.Ordinal));

    public int Resolve(ScenarioFile file, Located<string> name) =>
        _index.TryGetValue(name.Value, out var i) ? i : throw file.Error(name, $"unknown {_what} '{name.Value}'");

    public int? Resolve(ScenarioFile file, Located<string>? name) => name is { } n ? Resolve(file, n) : null;
}

/// <summary>Cycle detection on "waits for" relations, through QuikGraph.</summary>
internal static class WaitCycles
{
    /// <summary>
    /// The vertices of one cycle of EDGES (the strongly connected component, or self-loop, that
    /// holds the lowest vertex on any cycle), in ascending order; null when the graph is acyclic.
    /// </summary>
    public static IReadOnlyList<int>? Find(int vertexCount, IEnumerable<(int From, int To)> edges)
    {
        var graph = new AdjacencyGraph<int, SEquatableEdge<int>>(allowParallelEdges: false);
        graph.AddVertexRange(Enumerable.Range(0, vertexCount));
        graph.AddEdgeRange(edges.Select(e => new SEquatableEdge<int>(e.From, e.To)));
        if (graph.IsDirectedAcyclicGraph())
            return null;

        var component = new Dictionary<int, int>();
        graph.StronglyConnectedComponents(component);
        var members = component.GroupBy(kv => kv.Value, kv => kv.Key).ToDictionary(g => g.Key, g => g.Order().ToList());
        bool OnCycle(int v) => members[component[v]].Count > 1 || graph.ContainsEdge(new SEquatableEdge<int>(v, v));
        int first = Enumerable.Range(0, vertexCount).First(OnCycle);
        return members[component[first]];
    }
}
