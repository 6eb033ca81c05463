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

    public static Result Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit;
        lock (CwdLock)
        {
            var cwd = Environment.CurrentDirectory;
            Environment.CurrentDirectory = ScenarioFiles.RepoRoot;
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

    /// <summary>A JSON document without its `stats` object, the one part allowed to differ between runs.</summary>
    public static string WithoutStats(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove("stats");
        return node.ToJsonString();
    }
}
