using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Checker.Model.Tests.Fuzz;

/// <summary>
/// The fuzz suite: FsCheck mutates the bundled scenarios, the import fixtures and the recorded
/// counterexample documents, and tries bad values on every flag; each case goes through the
/// command line in process and must keep the promises of <see cref="FuzzRun.Check"/>. The case
/// count is FUZZ_CASES (docs/hardening.md); the default keeps the whole suite fast.
/// </summary>
[Trait("Category", "Fuzz")]
public class FuzzTests
{
    private static Config Config(int cases, int seed) =>
        FsCheck.Config.QuickThrowOnFailure.WithMaxTest(cases).WithReplay((ulong)seed, 1).WithQuietOnSuccess(true);

    private static readonly string[] ScenarioNames = [.. ScenarioFiles.All()];

    [Fact]
    public void Damaged_scenarios_exit_0_1_or_2_and_say_where()
    {
        var gen = from name in Gen.Elements(ScenarioNames)
                  from m in Mutations.Sequence
                  from command in Gen.Elements("graph", "boot", "check")
                  select (name, m, command);
        Check.One(Config(FuzzRun.Cases(1500), 16), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var bytes = Mutations.Apply(File.ReadAllBytes(ScenarioFiles.Path(c.name)), c.m);
            using var scratch = new FuzzRun.Scratch();
            var input = scratch.Write(c.name, bytes);
            var output = Path.Combine(scratch.Dir, "out");
            string[] args = c.command switch
            {
                "graph" => ["graph", input, "-o", output],
                "check" => ["check", input, "--max-tests", "2", "--json", output],
                _ => ["boot", input],
            };
            int exit = FuzzRun.Check(args, input, bytes, c.command == "boot" ? null : output, needField: true, allowed: [0, 1, 2]);
            if (exit != 2 && c.command != "boot" && !File.Exists(output))
                throw new FuzzFailure($"exit {exit} but {output} was not written ({string.Join(", ", c.m.Steps.Select(s => s.Name))})");
        }));
    }

    /// <summary>Import and validate inputs: the lspci dumps, dmesg and iommu_groups listings of the fixtures.</summary>
    private static readonly (string Fixture, string Kind)[] Dumps =
    [
        ("d05/lspci-tv.txt", "lspci"), ("x86-switch/lspci-tv.txt", "lspci"), ("x86-switch/lspci-vvv.txt", "lspci"),
        ("import/d05-lspci-tv-pasted.txt", "lspci"), ("import/d05-lspci-tv-quoted.txt", "lspci"),
        ("import/surface3-lspci-nn.txt", "lspci"), ("import/surface3-lspci-nntv.txt", "lspci"),
        ("d05/dmesg.txt", "dmesg"), ("d05/iommu-groups.txt", "groups"), ("import/d05-groups-mlx5-module.txt", "groups"),
    ];

    [Fact]
    public void Damaged_dumps_exit_0_1_or_2_and_name_the_file()
    {
        var fixtures = Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures");
        var gen = from dump in Gen.Elements(Dumps)
                  from m in Mutations.Sequence
                  select (dump, m);
        Check.One(Config(Math.Max(1, FuzzRun.Cases(1500) / 3), 17), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var bytes = Mutations.Apply(File.ReadAllBytes(Path.Combine(fixtures, c.dump.Fixture)), c.m);
            using var scratch = new FuzzRun.Scratch();
            var input = scratch.Write(Path.GetFileName(c.dump.Fixture), bytes);
            var output = Path.Combine(scratch.Dir, "imported.yaml");
            var d05 = ScenarioFiles.Path("hisilicon-d05-builtin");
            string[] args = c.dump.Kind switch
            {
                "lspci" => ["import", "--lspci", input, "-o", output],
                "dmesg" => ["validate", d05, "--dmesg", input],
                _ => ["validate", d05, "--iommu-groups", input],
            };
            FuzzRun.Check(args, input, bytes, c.dump.Kind == "lspci" ? output : null, needField: false, allowed: [0, 1, 2]);
        }));
    }

    private static readonly string[] Documents =
        [.. Directory.GetFiles(Path.Combine(ScenarioFiles.Directory, "regressions"), "*.json").Order(StringComparer.Ordinal)];

    [Fact]
    public void Damaged_counterexample_documents_exit_0_1_or_2_on_replay()
    {
        var gen = from file in Gen.Elements(Documents)
                  from json in JsonMutations.Any
                  from seed in Gen.Choose(0, int.MaxValue)
                  from bytes in Gen.Elements(true, false, false, false)
                  from m in Mutations.Sequence
                  select (file, json, seed, bytes, m);
        Check.One(Config(Math.Max(1, FuzzRun.Cases(1500) / 10), 18), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var original = File.ReadAllBytes(c.file);
            var damaged = c.bytes ? Mutations.Apply(original, c.m) : JsonMutations.Apply(original, c.json, c.seed);
            using var scratch = new FuzzRun.Scratch();
            var input = scratch.Write(Path.GetFileName(c.file), damaged);
            FuzzRun.Check(["replay", input], input, damaged, null, needField: false, allowed: [0, 1, 2]);
        }));
    }

    /// <summary>Every numeric flag of every command, each with values that are never a valid number.</summary>
    private static readonly (string Command, string Flag)[] NumericFlags =
    [
        ("check", "--seed"), ("check", "--max-tests"), ("check", "--time-budget"),
        ("explore", "--seed"), ("explore", "--depth"), ("explore", "--time-budget"),
        ("matrix", "--seed"), ("matrix", "--max-tests"), ("graph", "--at-step"),
    ];

    private static readonly Gen<string> NotANumber =
        from prefix in Gen.Elements("", " ", "+", "-", "\t", "0x", "\u0660", "５")
        from digits in Gen.Choose(0, 99999).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))
        from suffix in Gen.Elements("", " ", "e3", ".", "x", "NaN", "Infinity", "\u00a0", "_1", ",5")
        from whole in Gen.Elements(true, false)
        from special in Gen.Elements("NaN", "Infinity", "-Infinity", "", "99999999999999999999999", "1e400", "∞")
        let text = prefix + digits + suffix
        where !text.All(char.IsAsciiDigit)
        select whole ? text : special;

    [Fact]
    public void Every_numeric_flag_refuses_every_value_that_is_not_plain_digits()
    {
        var gen = from f in Gen.Elements(NumericFlags)
                  from value in NotANumber
                  select (f, value);
        Check.One(Config(Math.Max(1, FuzzRun.Cases(1500) / 5), 19), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            // --time-budget takes a decimal point: "1." is refused, "1.5" is not generated.
            var args = new[] { c.f.Command, ScenarioFiles.Path("probe-deferral-basic"), c.f.Flag, c.value };
            var r = FuzzRun.Run(args);
            if (r.Exit != 2 || !r.Err.Contains(c.f.Flag, StringComparison.Ordinal) || r.Err.Contains("internal error", StringComparison.Ordinal) || r.Out.Length > 0)
                throw new FuzzFailure($"{c.f.Command} {c.f.Flag} '{c.value}': exit {r.Exit}: {r.Err}{r.Out}");
        }));
    }

    /// <summary>Every output flag with every kind of bad path: all exit 2 naming the flag, nothing written.</summary>
    public static TheoryData<string, string> OutputFlags() => new()
    {
        { "check", "--json" }, { "check", "--junit" }, { "explore", "--json" }, { "explore", "--junit" }, { "explore", "--corpus" },
        { "explore", "--summary" }, { "matrix", "--json" }, { "matrix", "--junit" }, { "matrix", "--summary" },
        { "graph", "-o" }, { "import", "-o" },
    };

    [Theory]
    [MemberData(nameof(OutputFlags))]
    public void Every_output_flag_refuses_every_bad_path_before_any_work(string command, string flag)
    {
        using var scratch = new FuzzRun.Scratch();
        File.WriteAllText(Path.Combine(scratch.Dir, "a-file"), "x");
        Directory.CreateDirectory(Path.Combine(scratch.Dir, "a-dir"));
        var bad = new List<string> { "", Path.Combine(scratch.Dir, "missing", "x"), "/proc/x", Path.Combine(scratch.Dir, "a-file", "x"), "a\0b" };
        bad.Add(flag == "--corpus" ? Path.Combine(scratch.Dir, "a-file") : Path.Combine(scratch.Dir, "a-dir"));
        foreach (var path in bad)
        {
            string[] args = command == "import"
                ? ["import", "--lspci", Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", "d05", "lspci-tv.txt"), flag, path]
                : [command, ScenarioFiles.Path("probe-deferral-basic"), flag, path];
            var before = Directory.GetFileSystemEntries(scratch.Dir, "*", SearchOption.AllDirectories).Order().ToList();
            var r = FuzzRun.Run(args);
            Assert.True(r.Exit == 2, $"{command} {flag} '{path}': exit {r.Exit}: {r.Err}");
            Assert.Contains(flag == "-o" ? "--output" : flag, r.Err);
            Assert.DoesNotContain("internal error", r.Err);
            Assert.Equal(before, Directory.GetFileSystemEntries(scratch.Dir, "*", SearchOption.AllDirectories).Order().ToList());
        }
    }
}

/// <summary>Structural damage to a JSON document: a member removed, nulled, retyped or given an unknown word.</summary>
public static class JsonMutations
{
    public static Gen<string> Any { get; } = Gen.Elements("remove", "null", "number", "string", "list", "object", "word", "null-item", "negative");

    public static byte[] Apply(byte[] original, string how, int seed)
    {
        var root = JsonNode.Parse(original)!;
        var random = new Random(seed);
        var nodes = new List<JsonNode>();
        void Walk(JsonNode? n)
        {
            if (n is null)
                return;
            nodes.Add(n);
            if (n is JsonObject o)
                foreach (var (_, v) in o)
                    Walk(v);
            else if (n is JsonArray a)
                foreach (var v in a)
                    Walk(v);
        }
        Walk(root);
        var target = nodes[random.Next(nodes.Count)];
        JsonNode? replacement = how switch
        {
            "null" => null,
            "number" => JsonValue.Create(random.Next(-5, 5)),
            "string" => JsonValue.Create("x"),
            "list" => new JsonArray(),
            "object" => new JsonObject(),
            "word" => JsonValue.Create(new[] { "x", "", "BUILTIN", "Device", "module ", "1" }[random.Next(6)]),
            "negative" => JsonValue.Create(-1),
            _ => target,
        };
        if (target.Parent is null)
            return Encoding.UTF8.GetBytes(how == "remove" ? "" : replacement?.ToJsonString() ?? "null");
        if (how == "null-item" && target is JsonArray list)
        {
            list.Insert(random.Next(list.Count + 1), null);
            return Encoding.UTF8.GetBytes(root.ToJsonString());
        }
        var parent = target.Parent;
        if (parent is JsonObject po)
        {
            var key = po.First(kv => ReferenceEquals(kv.Value, target)).Key;
            if (how == "remove")
                po.Remove(key);
            else
                po[key] = replacement?.DeepClone();
        }
        else if (parent is JsonArray pa)
        {
            int i = pa.IndexOf(target);
            if (how == "remove")
                pa.RemoveAt(i);
            else
                pa[i] = replacement?.DeepClone();
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
