using Checker.Model.Scenario;
using Checker.Model.State;

namespace Checker.Model.Tests;

/// <summary>The scenario files of the repository, for tests that replay or inspect them.</summary>
public static class ScenarioFiles
{
    /// <summary>The directory holding Checker.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Directory => System.IO.Path.Combine(RepoRoot, "scenarios");

    /// <summary>The full path of scenarios/NAME (the `.yaml` extension may be left out).</summary>
    public static string Path(string name) =>
        System.IO.Path.Combine(Directory, name.EndsWith(".yaml", StringComparison.Ordinal) ? name : name + ".yaml");

    /// <summary>Reads and loads scenarios/NAME; errors name the file as `scenarios/NAME.yaml`.</summary>
    public static Machine Load(string name)
    {
        var path = Path(name);
        return ScenarioLoader.Load("scenarios/" + System.IO.Path.GetFileName(path), File.ReadAllText(path));
    }

    /// <summary>Every scenario file name, sorted.</summary>
    public static IReadOnlyList<string> All() =>
        System.IO.Directory.GetFiles(Directory, "*.yaml").Select(System.IO.Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Checker.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no directory above {AppContext.BaseDirectory} contains Checker.sln");
    }
}
