using Checker.Cli;

namespace Checker.Model.Tests.Import;

/// <summary>Paths of the import fixtures and a way to run the CLI in-process.</summary>
public static class Fixtures
{
    public static string Path(string relative) => System.IO.Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", relative);

    public static string Text(string relative) => File.ReadAllText(Path(relative));

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Cli.Cli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
