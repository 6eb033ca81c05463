using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using Checker.Cli.Documents;
using Checker.Cli.Rendering;
using Checker.Model.State;
using Checker.Properties.Exhaustive;
using Checker.Properties.Exploration;
using Checker.Properties.Generation;
using Spectre.Console;

namespace Checker.Cli.Commands;

/// <summary>`checker explore SCENARIO`: visit every reachable state (bfs, dfs) or random walks, with a visited set of fingerprints.</summary>
public static class ExploreCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var scenario = CommonOptions.Scenario();
        var property = CommonOptions.Property();
        var variant = CommonOptions.Variant();
        var kernel = CommonOptions.Kernel();
        var strategy = new Option<string>("--strategy") { Description = "bfs (shortest counterexamples), dfs, or random walks", DefaultValueFactory = _ => "bfs" };
        var depth = CommonOptions.WholeNumber("--depth", "Longest event sequence explored", 1, 10_000, ExploreOptions.DefaultMaxDepth);
        var budget = CommonOptions.TimeBudget("Stop after this many seconds (the counts then depend on speed)");
        var shard = new Option<string?>("--shard") { Description = "I/N: bfs explores only the subtrees below share I of a shared prefix's frontier; dfs and random need --swarm (docs/explore.md)" };
        var swarm = new Option<bool>("--swarm") { Description = "With --shard and dfs or random: each shard explores the whole space with its own seed and event order (bug hunting)" };
        var corpus = new Option<string?>("--corpus") { Description = "Directory to write each shrunk counterexample to, one file each, named by its fingerprint" };
        var json = new Option<string?>("--json") { Description = "Write the result as JSON to FILE, or to stdout with '-'" };
        var summary = new Option<string?>("--summary") { Description = "Append a GitHub Actions job summary (markdown) to FILE, e.g. --summary \"$GITHUB_STEP_SUMMARY\"" };
        var junit = new Option<string?>("--junit") { Description = "Write a JUnit XML report (one test case per property) to FILE" };
        var faults = new Option<bool>("--faults") { Description = "Also explore fault injections, as check --faults generates them" };
        var por = new Option<bool>("--por") { Description = "Partial-order reduction (bfs only): with --faults, each run of fault injections in one order; without, the cluster fingerprint and persistent sets of the boot, which can report a boot-time violation later than its shortest length, so a run cut by --depth or --time-budget may miss one plain bfs finds (docs/explore.md)" };
        var noReduce = new Option<bool>("--no-reduce") { Description = "Tell states apart by every order in them, as before the reduced fingerprint (docs/explore.md): for comparison" };
        var noSymmetry = new Option<bool>("--no-symmetry") { Description = "Tell apart states that differ only by an exchange of blocks identical up to names (the D05's empty root ports behind their own SMMUs; docs/explore.md, \"Symmetry\"): for comparison. --no-reduce and --por turn symmetry off too" };
        var noDecompose = new Option<bool>("--no-decompose") { Description = "bfs: explore the whole machine at once, not by parts first where the machine allows it (docs/explore.md, \"Decomposition\"): for comparison" };
        var seed = CommonOptions.Seed("Seed of the random walks", 1);
        var command = new Command("explore",
            "Explore the scenario's machine exhaustively: every enabled event at every state, states told apart by a "
            + "64-bit fingerprint of their canonical encoding. bfs finds the shortest counterexample of each property. "
            + "Every counterexample is shrunk and printed like check's.\n"
            + "Example: checker explore scenarios/coherent-mask-overflow.yaml --depth 12 --junit explore.xml\n" + Cli.ExitCodesHelp)
        {
            scenario, kernel, property, variant, strategy, depth, budget, shard, corpus, json, junit, summary, faults, seed, por, swarm, noReduce, noSymmetry, noDecompose,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(scenario)!;
            // Every flag and output path is checked before the scenario is read; nothing is
            // written (not even the corpus directory) until the run is over.
            var outputs = new Output.OutputPlan();
            var jsonOut = outputs.File("--json", parse.GetValue(json), allowStdout: true);
            var junitOut = outputs.File("--junit", parse.GetValue(junit));
            var corpusOut = outputs.Directory("--corpus", parse.GetValue(corpus));
            var summaryOut = outputs.AppendFile("--summary", parse.GetValue(summary));
            var invariants = CommonOptions.SelectInvariants(parse.GetValue(property));
            int maxDepth = parse.GetValue(depth);
            double? seconds = parse.GetValue(budget);
            var chosen = ParseStrategy(parse.GetValue(strategy)!);
            if (parse.GetValue(por) && chosen != Strategy.Bfs)
                throw new UsageException("--por works with --strategy bfs only");
            var chosenShard = ParseShard(parse.GetValue(shard));
            if (parse.GetValue(swarm) && chosen == Strategy.Bfs)
                throw new UsageException("--swarm works with --strategy dfs or random (bfs shards split the frontier)");
            if (chosenShard.Count > 1 && chosen != Strategy.Bfs && !parse.GetValue(swarm))
                throw new UsageException($"--shard with --strategy {parse.GetValue(strategy)} needs --swarm (only bfs splits the state space)");
            var (machine, text) = CommonOptions.LoadScenarioWithText(path, parse.GetValue(variant), parse.GetValue(kernel));
            var source = ScenarioDocuments.Of(path, text);
            var replay = ReplayCommand(path, machine.Variants, parse);
            var reports = new ConcurrentDictionary<string, CounterexampleReport>();
            var options = new ExploreOptions(invariants, chosen, maxDepth, seconds,
                chosenShard, parse.GetValue(faults) ? GenConfig.Default.WithFaults() : GenConfig.Default,
                parse.GetValue(seed));
            options = options with
            {
                Cancel = Interrupt.Current,
                PartialOrder = parse.GetValue(por),
                Swarm = parse.GetValue(swarm),
                Reduce = !parse.GetValue(noReduce),
                Symmetry = !parse.GetValue(noSymmetry),
                Decompose = !parse.GetValue(noDecompose),
                OnFound = found =>
                {
                    var report = ExploreReport.Shrunk(path, source, machine, options, found, replay);
                    reports[report.Property] = report;
                    if (corpusOut is not null)
                    {
                        var name = Corpus.FileName(report);
                        outputs.Add(corpusOut, name, DocumentJson.Write(report.ToDocument().RelativeTo(Path.Combine(corpusOut.Path, name))));
                    }
                },
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var outcome = RunWithProgress(machine, options, stderr);
            var ordered = outcome.Found.Select(f => reports[f.Violation.Property]).ToImmutableArray();
            if (ordered.IsEmpty && Properties.Verdicts.Vacuity.Warning(machine, invariants) is { } warning)
                stderr.WriteLine(warning);
            var result = new ExploreReport(path, source, machine.Variants, options, outcome, ordered, clock.ElapsedMilliseconds - outcome.Milliseconds) { Machine = machine };
            var jsonPath = parse.GetValue(json);
            var document = jsonPath is null ? null : DocumentJson.Write(result.ToDocument().RelativeTo(jsonPath));
            outputs.Set(jsonOut, document!);
            outputs.Set(junitOut, result.Junit());
            outputs.Set(summaryOut, JobSummary.Explore(result));
            outputs.Stdout(jsonPath == "-" ? document! : result.Text());
            if (corpusOut is not null && corpusOut.Exists)
                Corpus.RemoveStale(corpusOut.Path, stderr);
            outputs.Commit(stdout);
            return result.ExitCode;
        });
        return command;
    }

    public static Strategy ParseStrategy(string s) => s switch
    {
        "bfs" => Strategy.Bfs,
        "dfs" => Strategy.Dfs,
        "random" => Strategy.Random,
        _ => throw new UsageException($"--strategy {s}: expected bfs, dfs or random"),
    };

    public static Shard ParseShard(string? s)
    {
        if (s is null)
            return Shard.Whole;
        var parts = s.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            || n < 1 || n > 4096 || i < 1 || i > n)
            throw new UsageException($"--shard {s}: expected I/N with 1 <= I <= N <= 4096");
        return new Shard(i - 1, n);
    }

    private static ExploreOutcome RunWithProgress(Machine machine, ExploreOptions options, TextWriter stderr)
    {
        if (Console.IsErrorRedirected || !ReferenceEquals(stderr, Console.Error))
            return StateSpace.Explore(machine, options);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        ExploreOutcome? outcome = null;
        console.Status().Start("exploring", ctx =>
        {
            outcome = StateSpace.Explore(machine, options, p => ctx.Status(string.Create(CultureInfo.InvariantCulture,
                $"states {p.States:N0}  {(p.Seconds > 0 ? p.States / p.Seconds : 0):N0}/s  depth {p.Depth}  queue {p.Queue:N0}  violations {p.Violations}")));
        });
        return outcome!;
    }

    /// <summary>The exact command that repeats this run.</summary>
    private static string ReplayCommand(string path, Variants variants, ParseResult parse)
    {
        var parts = new List<string> { "checker", "explore", path };
        foreach (var p in parse.GetValue<string[]>("--property") ?? [])
            parts.AddRange(["--property", p]);
        foreach (var v in variants.NonDefaultPairs())
            parts.AddRange(["--variant", v]);
        parts.AddRange(["--strategy", parse.GetValue<string>("--strategy")!]);
        parts.AddRange(["--depth", parse.GetValue<int>("--depth").ToString(CultureInfo.InvariantCulture)]);
        if (parse.GetValue<bool>("--faults"))
            parts.Add("--faults");
        if (parse.GetValue<bool>("--por"))
            parts.Add("--por");
        if (parse.GetValue<bool>("--swarm"))
            parts.Add("--swarm");
        if (parse.GetValue<bool>("--no-reduce"))
            parts.Add("--no-reduce");
        if (parse.GetValue<bool>("--no-symmetry"))
            parts.Add("--no-symmetry");
        if (parse.GetValue<bool>("--no-decompose"))
            parts.Add("--no-decompose");
        if (parse.GetValue<string>("--strategy") == "random")
            parts.AddRange(["--seed", parse.GetValue<ulong>("--seed").ToString(CultureInfo.InvariantCulture)]);
        return string.Join(" ", parts);
    }
}
