using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Import;

/// <summary>Paths of the import fixtures and a way to run the CLI in-process.</summary>
public static class Fixtures
{
    public static string Path(string relative) => System.IO.Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", relative);

    public static string Text(string relative) => File.ReadAllText(Path(relative));

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var r = CliRun.Run(args);
        return (r.Exit, r.Out, r.Err);
    }
}
