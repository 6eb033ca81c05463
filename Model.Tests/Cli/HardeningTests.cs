using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

/// <summary>
/// Every case of the hardening issue through the command line: each is an exit 2 whose message
/// names the file or flag (and the line where there is one) and what was wrong, with no stack
/// trace, and leaves no file or directory behind. `{T}` in an argument is a fresh temporary
/// directory, `{S}` a small bundled scenario.
/// </summary>
public sealed class HardeningTests : IDisposable
{
    private const string Scenario = "scenarios/probe-deferral-basic.yaml";
    private readonly string _t = Path.Combine(Path.GetTempPath(), $"checker-harden-{Guid.NewGuid():N}");

    public HardeningTests()
    {
        Directory.CreateDirectory(_t);
        File.WriteAllText(Path.Combine(_t, "a-file"), "not a directory\n");
        Directory.CreateDirectory(Path.Combine(_t, "a-dir"));
        Directory.CreateDirectory(Path.Combine(_t, "corpus"));
        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(ScenarioFiles.Directory, "regressions", "d05-split-group.json")))!.AsObject();
        var enumBad = saved.DeepClone().AsObject();
        enumBad["counterexamples"]![0]!["drivers"]![1]!["initcall"] = "x";
        File.WriteAllText(Path.Combine(_t, "bad-enum.json"), enumBad.ToJsonString(new() { WriteIndented = true }));
        var nullBad = saved.DeepClone().AsObject();
        nullBad["counterexamples"]![0]!["events"]!.AsArray().Insert(2, null);
        File.WriteAllText(Path.Combine(_t, "bad-null.json"), nullBad.ToJsonString(new() { WriteIndented = true }));
        var kernelBad = saved.DeepClone().AsObject();
        kernelBad["counterexamples"]![0]!["variants"]!["kernel"] = "9.9";
        File.WriteAllText(Path.Combine(_t, "bad-kernel.json"), kernelBad.ToJsonString(new() { WriteIndented = true }));
        File.WriteAllText(Path.Combine(_t, "nnk.txt"),
            "00:00.0 Host bridge [0600]: Intel Corporation Device [8086:3e30] (rev 0d)\n\tKernel driver in use: skl_uncore\n"
            + "00:01.0 PCI bridge [0604]: Intel Corporation Device [8086:1901] (rev 0d)\n\tKernel driver in use: pcieport\n");
        var text = File.ReadAllText(ScenarioFiles.Path("probe-deferral-basic"));
        File.WriteAllText(Path.Combine(_t, "at.yaml"), text.Replace("script:\n", "script:\n  - { at: 10000000.999999, do: wait }\n", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_t, "alias.yaml"), text.Replace("kernel:", "junk: *nope\nkernel:", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_t, "empty-key.yaml"), text.Replace("kernel:", "\"\": 1\nkernel:", StringComparison.Ordinal));
        using (var big = new FileStream(Path.Combine(_t, "big.yaml"), FileMode.CreateNew))
            big.SetLength(3L << 30);
    }

    public void Dispose() => Directory.Delete(_t, recursive: true);

    private static int LineOf(string file, string needle) =>
        1 + File.ReadAllLines(file).TakeWhile(l => !l.Contains(needle, StringComparison.Ordinal)).Count();

    /// <summary>Case name, arguments, fragments the message must contain, paths that must not exist afterwards.</summary>
    public static TheoryData<string, string[], string[], string[]> Cases() => new()
    {
        { "--json empty", ["check", "{S}", "--json", ""], ["--json \"\": empty path"], [] },
        { "--json a directory", ["check", "{S}", "--json", "{T}/a-dir"], ["--json {T}/a-dir: is a directory"], [] },
        { "--junit a directory", ["check", "{S}", "--junit", "{T}/a-dir"], ["--junit {T}/a-dir: is a directory"], [] },
        { "--json unwritable", ["check", "{S}", "--json", "/proc/x"], ["--json /proc/x: cannot write in /proc"], [] },
        { "--junit unwritable", ["check", "{S}", "--junit", "/proc/x"], ["--junit /proc/x: cannot write in /proc"], [] },
        { "explore --json unwritable", ["explore", "{S}", "--json", "/proc/x"], ["--json /proc/x: cannot write in /proc"], [] },
        { "explore --corpus a file", ["explore", "{S}", "--corpus", "{T}/a-file"], ["--corpus {T}/a-file: is a regular file, expected a directory"], [] },
        { "explore --corpus unwritable", ["explore", "{S}", "--corpus", "/proc/new"], ["--corpus /proc/new: cannot write in /proc"], [] },
        { "corpus merge -o a file", ["corpus", "merge", "{T}/corpus", "-o", "{T}/a-file"], ["--output {T}/a-file: is a regular file, expected a directory"], [] },
        { "replay unknown enum", ["replay", "{T}/bad-enum.json"], ["{T}/bad-enum.json:", "$.counterexamples[0].drivers[1].initcall: unknown value 'x'"], [] },
        { "replay null in a list", ["replay", "{T}/bad-null.json"], ["{T}/bad-null.json:", "$.counterexamples[0].events[2]: expected a value, got null"], [] },
        { "replay unknown kernel in a document", ["replay", "{T}/bad-kernel.json"], ["{T}/bad-kernel.json: $.variants: kernel=9.9:"], [] },
        { "empty scenario path", ["boot", ""], ["\"\": empty scenario path"], [] },
        { "graph -o missing directory", ["graph", "{S}", "-o", "{T}/missing/x.dot"], ["--output {T}/missing/x.dot: directory {T}/missing does not exist"], ["{T}/missing"] },
        { "import -o missing directory", ["import", "--lspci", "Model.Tests/Fixtures/d05/lspci-tv.txt", "-o", "{T}/missing/x.yaml"], ["--output {T}/missing/x.yaml: directory {T}/missing does not exist"], ["{T}/missing"] },
        { "scenario over the size limit", ["boot", "{T}/big.yaml"], ["{T}/big.yaml: the scenario is 3221225472 bytes, larger than the limit of 67108864 bytes"], [] },
        { "scenario /dev/zero", ["check", "/dev/zero"], ["/dev/zero: the scenario is a character device, not a regular file"], [] },
        { "scenario /dev/urandom", ["boot", "/dev/urandom"], ["/dev/urandom: the scenario is a character device"], [] },
        { "scenario a directory", ["boot", "{T}/a-dir"], ["{T}/a-dir: the scenario is a directory"], [] },
        { "--json F --junit BAD", ["check", "{S}", "--json", "{T}/F.json", "--junit", "/proc/x"], ["--junit /proc/x"], ["{T}/F.json"] },
        { "--corpus NEWDIR with bad --strategy", ["explore", "{S}", "--corpus", "{T}/NEWDIR", "--strategy", "sideways"], ["--strategy sideways"], ["{T}/NEWDIR"] },
        { "--corpus NEWDIR with bad --shard", ["explore", "{S}", "--corpus", "{T}/NEWDIR", "--shard", "3/2"], ["--shard 3/2"], ["{T}/NEWDIR"] },
        { "--corpus NEWDIR with --por and dfs", ["explore", "{S}", "--corpus", "{T}/NEWDIR", "--por", "--strategy", "dfs"], ["--por"], ["{T}/NEWDIR"] },
        { "--corpus NEWDIR with bad --json", ["explore", "{S}", "--corpus", "{T}/NEWDIR", "--json", "{T}/a-dir"], ["--json {T}/a-dir: is a directory"], ["{T}/NEWDIR"] },
        { "corpus merge with a missing source", ["corpus", "merge", "{T}/no-such", "-o", "{T}/NEWDIR"], ["{T}/no-such: no such corpus directory"], ["{T}/NEWDIR"] },
        { "at: just past the limit", ["boot", "{T}/at.yaml"], ["{T}/at.yaml:@10000000.999999: script[0].at: must be at most 10000000 seconds, got 10000000.999999"], [] },
        { "--time-budget NaN", ["check", "{S}", "--time-budget", "NaN"], ["--time-budget 'NaN'"], [] },
        { "explore --time-budget NaN", ["explore", "{S}", "--time-budget", "NaN", "--corpus", "{T}/NEWDIR"], ["--time-budget 'NaN'"], ["{T}/NEWDIR"] },
        { "--time-budget Infinity", ["check", "{S}", "--time-budget", "Infinity"], ["--time-budget 'Infinity'"], [] },
        { "--seed with a blank", ["check", "{S}", "--seed", " 5"], ["--seed ' 5': expected a whole number"], [] },
        { "--seed with a plus", ["check", "{S}", "--seed", "+5"], ["--seed '+5': expected a whole number"], [] },
        { "matrix --seed with a plus", ["matrix", "{S}", "--seed", "+5", "--json", "{T}/m.json"], ["--seed '+5'"], ["{T}/m.json"] },
        { "explore --seed with a blank", ["explore", "{S}", "--seed", " 5"], ["--seed ' 5'"], [] },
        { "undefined alias", ["boot", "{T}/alias.yaml"], ["{T}/alias.yaml:@*nope: (document): alias *nope has no anchor &nope before it"], [] },
        { "empty key name", ["boot", "{T}/empty-key.yaml"], ["{T}/empty-key.yaml:@\"\": (document): a field name is empty"], [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_exits_2_with_a_clear_message_and_writes_nothing(string what, string[] args, string[] expected, string[] absent)
    {
        var before = Snapshot();
        var r = CliRun.Run([.. args.Select(Expand)]);
        Assert.True(r.Exit == 2, $"{what}: exit {r.Exit}\n{r.Err}");
        foreach (var fragment in expected.Select(Expand))
            Assert.Contains(ExpandLine(fragment), r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("internal error", r.Err);
        Assert.Equal("", r.Out);
        foreach (var path in absent.Select(Expand))
            Assert.False(Path.Exists(path), $"{what}: {path} was left behind");
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Import_of_a_flat_lspci_nnk_given_as_lspci_verbose_is_read_or_refused_never_a_crash()
    {
        // --lspci-verbose is now a name of --lspci, which reads every lspci form; whatever it
        // makes of a flat `lspci -nnk`, it is a scenario that loads or an exit 2.
        var output = Path.Combine(_t, "out.yaml");
        var r = CliRun.Run("import", "--lspci-verbose", Path.Combine(_t, "nnk.txt"), "-o", output);
        Assert.True(r.Exit is 0 or 2, $"exit {r.Exit}: {r.Err}");
        Assert.DoesNotContain("internal error", r.Err);
        Assert.Equal(r.Exit == 0, File.Exists(output));
    }

    [Fact]
    public void An_existing_json_file_is_not_replaced_when_another_output_is_bad()
    {
        var json = Path.Combine(_t, "F.json");
        File.WriteAllText(json, "old\n");
        var r = CliRun.Run("check", Scenario, "--max-tests", "2", "--json", json, "--junit", Path.Combine(_t, "a-dir"));
        Assert.Equal(2, r.Exit);
        Assert.Equal("old\n", File.ReadAllText(json));
    }

    [Fact]
    public async Task A_fifo_as_the_scenario_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows())
            return;
        var fifo = Path.Combine(_t, "fifo.yaml");
        Assert.Equal(0, MakeFifo(fifo, Convert.ToUInt32("644", 8)));
        // A blocking open would hang here: the timeout turns that into a failure.
        var r = await Task.Run(() => CliRun.Run("boot", fifo)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, r.Exit);
        Assert.Contains($"{fifo}: the scenario is a FIFO (named pipe), not a regular file", r.Err);
    }

    [Fact]
    public void Stale_temporary_files_are_reported_by_replay_and_removed_by_merge_and_explore()
    {
        // PID 2^31-1 is above Linux's pid_max: no process can own this file.
        var corpus = Path.Combine(_t, "corpus");
        var stale = Path.Combine(corpus, ".0123456789abcdef.json.2147483647.tmp");
        File.WriteAllText(stale, "{ half a fi");
        var replay = CliRun.Run("corpus", "replay", corpus);
        Assert.Equal(0, replay.Exit);
        Assert.Contains($"ignored {stale}", replay.Err);
        Assert.True(File.Exists(stale));

        var merge = CliRun.Run("corpus", "merge", corpus);
        Assert.Equal(0, merge.Exit);
        Assert.Contains($"removed {stale}", merge.Err);
        Assert.False(File.Exists(stale));

        File.WriteAllText(stale, "{ half a fi");
        var explore = CliRun.Run("explore", Scenario, "--depth", "2", "--corpus", corpus);
        Assert.True(explore.Exit is 0 or 1 or 4, $"exit {explore.Exit}: {explore.Err}");
        Assert.Contains($"removed {stale}", explore.Err);
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public void Explore_writes_its_corpus_directory_only_at_the_end_and_leaves_no_temporary_file()
    {
        var corpus = Path.Combine(_t, "new-corpus");
        var r = CliRun.Run("explore", "scenarios/coherent-mask-overflow.yaml", "--depth", "8", "--corpus", corpus, "--json", Path.Combine(_t, "e.json"));
        Assert.Equal(1, r.Exit);
        Assert.NotEmpty(Directory.GetFiles(corpus, "*.json"));
        Assert.Empty(Directory.GetFiles(corpus, ".*"));
        Assert.Empty(Directory.GetFiles(_t, ".*"));
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);

    private string Expand(string s) => s.Replace("{T}", _t, StringComparison.Ordinal).Replace("{S}", Scenario, StringComparison.Ordinal);

    /// <summary>`FILE:@NEEDLE:` stands for FILE:LINE: with LINE the line of FILE holding NEEDLE.</summary>
    private static string ExpandLine(string fragment)
    {
        int at = fragment.IndexOf(":@", StringComparison.Ordinal);
        if (at < 0)
            return fragment;
        var file = fragment[..at];
        int end = fragment.IndexOf(": ", at + 2, StringComparison.Ordinal);
        var needle = fragment[(at + 2)..end];
        return $"{file}:{LineOf(file, needle)}{fragment[end..]}";
    }

    private string Snapshot() => string.Join("\n", Directory.GetFileSystemEntries(_t, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
}
