using System.Text.Json;

namespace Checker.Model.Tests.Support;

/// <summary>Runs the `checker` command line in-process from the repository root, capturing its output.</summary>
public static class CliRun
{
    private static readonly object CwdLock = new();

    public sealed record Result(int Exit, string Out, string Err)
    {
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;
    }

    public static Result Run(params string[] args) => RunIn(ScenarioFiles.RepoRoot, args);

    /// <summary>Runs the command line with DIR as the working directory.</summary>
    public static Result RunIn(string dir, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit;
        lock (CwdLock)
        {
            var cwd = Environment.CurrentDirectory;
            Environment.CurrentDirectory = dir;
            try
            {
                exit = Checker.Cli.Cli.Run(args, stdout, stderr);
            }
            finally
            {
                Environment.CurrentDirectory = cwd;
            }
        }
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A JSON document without its `stats` objects (at any depth), the one part allowed to differ between runs.</summary>
    public static string WithoutStats(string json) => Without(json, paths: false);

    /// <summary><see cref="WithoutStats"/> and without the scenario paths, which are relative to where a document was written.</summary>
    public static string WithoutStatsAndPaths(string json) => Without(json, paths: true);

    private static string Without(string json, bool paths)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Strip(node);
        return node.ToJsonString();

        void Strip(System.Text.Json.Nodes.JsonNode? n)
        {
            if (n is System.Text.Json.Nodes.JsonObject o)
            {
                o.Remove("stats");
                if (paths && o["scenario"] is System.Text.Json.Nodes.JsonObject scenario)
                    scenario.Remove("path");
                foreach (var (_, v) in o)
                    Strip(v);
            }
            else if (n is System.Text.Json.Nodes.JsonArray a)
                foreach (var v in a)
                    Strip(v);
        }
    }

    /// <summary>The first counterexample of a check, explore or matrix document (or the document itself when it is one).</summary>
    public static JsonElement FirstCounterexample(JsonElement doc) =>
        doc.GetProperty("document").GetString() == "counterexample" ? doc : doc.GetProperty("counterexamples")[0];
}
