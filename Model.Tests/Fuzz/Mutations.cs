using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;

namespace Checker.Model.Tests.Fuzz;

/// <summary>One way of damaging an input file, with a name for the failure message.</summary>
public sealed record Mutation(string Name, Func<byte[], byte[]> Apply)
{
    public override string ToString() => Name;
}

/// <summary>
/// Generators of damaged inputs: wrong types, missing and renamed keys, dangling references,
/// cycles, YAML anchors and aliases, encodings, truncation and noise. Each works on the file's
/// bytes so that encoding damage is possible; the text operators read and write UTF-8.
/// </summary>
public static partial class Mutations
{
    private static readonly string[] Words =
        ["", "x", "no-such-device", "0000:ff:1f.7", "-1", "0", "99999999999999999999", "1e9", "0x", "true", "null", "~",
         "[]", "{}", "[1, [2]]", "{ a: 1 }", "\"\"", "'", "\"", "&a", "*a", "*undefined", "!!binary AAAA", "? k", "- x",
         "10000000.999999", "84.3.1", "arm64", "builtin", "module", "device", "\t", "\u00a0", "\u0660", "\ufeff", "é"];

    private static readonly string[] Keys =
        ["name", "bus", "parent", "iommu", "driver", "device", "matches", "type", "at", "do", "dev", "pf", "count", "errno",
         "arch", "version", "variants", "devices", "drivers", "iommus", "script", "kernel", "host-bridges", "domain",
         "root-bus", "firmware", "multifunction", "physfn", "present", "coherent", "contexts", "arrival", "initcall"];

    [GeneratedRegex(@"(?<key>[A-Za-z][\w-]*):\s*(?<value>""[^""]*""|[^,{}\[\]\s#][^,{}\[\]#]*?)(?=\s*[,}\]]|\s*#|\s*$)", RegexOptions.Multiline)]
    private static partial Regex KeyValue();

    [GeneratedRegex(@"(?<key>parent|iommu|physfn|dev|pf|driver|device|supplier):\s*(?<value>""[^""]*""|[\w.:-]+)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"name:\s*(?<value>""[^""]*""|[\w.:-]+)")]
    private static partial Regex Name();

    public static Gen<Mutation> Any { get; } = Gen.OneOf(
        Text("wrong type", (s, r) => ReplaceMatch(s, r, KeyValue(), m => $"{m.Groups["key"].Value}: {Pick(r, Words)}")),
        Text("missing key", (s, r) => ReplaceMatch(s, r, KeyValue(), _ => "")),
        Text("renamed key", (s, r) => ReplaceMatch(s, r, KeyValue(), m => $"{Pick(r, [.. Keys, "\"\"", "x" + m.Groups["key"].Value, m.Groups["key"].Value.ToUpperInvariant()])}: {m.Groups["value"].Value}")),
        Text("dangling reference", (s, r) => ReplaceMatch(s, r, Reference(), m => $"{m.Groups["key"].Value}: no-such-{m.Groups["key"].Value}")),
        Text("cycle or wrong reference", (s, r) =>
        {
            var names = Name().Matches(s).Select(m => m.Groups["value"].Value).ToList();
            return names.Count == 0 ? s : ReplaceMatch(s, r, Reference(), m => $"{m.Groups["key"].Value}: {names[r.Next(names.Count)]}");
        }),
        Text("anchor and alias", (s, r) =>
        {
            var lines = s.Split('\n');
            int at = r.Next(lines.Length);
            var anchored = KeyValue().Replace(lines[at], m => $"{m.Groups["key"].Value}: &a {m.Groups["value"].Value}", 1);
            lines[at] = anchored;
            int to = r.Next(lines.Length);
            lines[to] = r.Next(3) switch
            {
                0 => KeyValue().Replace(lines[to], m => $"{m.Groups["key"].Value}: *a", 1),
                1 => KeyValue().Replace(lines[to], m => $"{m.Groups["key"].Value}: *undefined", 1),
                _ => lines[to] + " &b [*b]",
            };
            return string.Join('\n', lines);
        }),
        Text("duplicate line", (s, r) => { var l = s.Split('\n').ToList(); int i = r.Next(l.Count); l.Insert(r.Next(l.Count), l[i]); return string.Join('\n', l); }),
        Text("swap lines", (s, r) => { var l = s.Split('\n'); int i = r.Next(l.Length), j = r.Next(l.Length); (l[i], l[j]) = (l[j], l[i]); return string.Join('\n', l); }),
        Text("indentation", (s, r) => { var l = s.Split('\n'); int i = r.Next(l.Length); l[i] = new string(' ', r.Next(0, 7)) + l[i].TrimStart(); return string.Join('\n', l); }),
        Text("noise characters", (s, r) => s.Insert(r.Next(s.Length + 1), Pick(r, Words) + Pick(r, ["", ":", "- ", "\n", "#", "[", "{", "}", "]", ",", "|", ">", "%", "@", "`"]))),
        Bytes("truncation", (b, r) => b[..r.Next(b.Length + 1)]),
        Bytes("noise bytes", (b, r) =>
        {
            var noise = new byte[r.Next(1, 8)];
            r.NextBytes(noise);
            int at = r.Next(b.Length + 1);
            return [.. b[..at], .. noise, .. b[at..]];
        }),
        Bytes("utf-16 with a byte order mark", (b, _) => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(b))]),
        Bytes("invalid utf-8", (b, r) => { var at = r.Next(b.Length + 1); return [.. b[..at], 0xC3, 0x28, .. b[at..]]; }),
        Bytes("NUL byte", (b, r) => { var at = r.Next(b.Length + 1); return [.. b[..at], 0, .. b[at..]]; }),
        Bytes("CRLF line ends", (b, _) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(b).Replace("\n", "\r\n", StringComparison.Ordinal))),
        Bytes("empty", (_, _) => []));

    /// <summary>One to three mutations applied in turn.</summary>
    public static Gen<(Mutation[] Steps, int Seed)> Sequence { get; } =
        from n in Gen.Choose(1, 3)
        from steps in Gen.ArrayOf(Any, n)
        from seed in Gen.Choose(0, int.MaxValue)
        select (steps, seed);

    public static byte[] Apply(byte[] input, (Mutation[] Steps, int Seed) m)
    {
        // Each operator draws its positions from its own seeded RNG: the same case makes the same bytes.
        var bytes = input;
        for (int i = 0; i < m.Steps.Length; i++)
        {
            var step = m.Steps[i];
            bytes = Seeded.With(m.Seed + i, () => step.Apply(bytes));
        }
        return bytes;
    }

    private static Gen<Mutation> Text(string name, Func<string, Random, string> f) =>
        Gen.Constant(new Mutation(name, b => Encoding.UTF8.GetBytes(f(Encoding.UTF8.GetString(b), Seeded.Current))));

    private static Gen<Mutation> Bytes(string name, Func<byte[], Random, byte[]> f) =>
        Gen.Constant(new Mutation(name, b => f(b, Seeded.Current)));

    private static string ReplaceMatch(string s, Random r, Regex regex, Func<Match, string> replace)
    {
        var matches = regex.Matches(s);
        if (matches.Count == 0)
            return s;
        var m = matches[r.Next(matches.Count)];
        return s[..m.Index] + replace(m) + s[(m.Index + m.Length)..];
    }

    private static string Pick(Random r, string[] words) => words[r.Next(words.Length)];

    /// <summary>The RNG of the mutation being applied (set around each operator).</summary>
    private static class Seeded
    {
        [ThreadStatic] private static Random? _current;
        public static Random Current => _current ?? throw new InvalidOperationException("no mutation is being applied");

        public static T With<T>(int seed, Func<T> f)
        {
            var saved = _current;
            _current = new Random(seed);
            try
            {
                return f();
            }
            finally
            {
                _current = saved;
            }
        }
    }
}
