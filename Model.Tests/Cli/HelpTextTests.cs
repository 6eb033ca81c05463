using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

public class HelpTextTests
{
    private static readonly string[] Names =
        ["boot", "check", "replay", "matrix", "import", "validate", "graph", "explore", "corpus replay", "corpus merge", "list", "init"];

    public static TheoryData<string> Commands() => [.. Names];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_help_has_one_example_and_states_each_default_once(string command)
    {
        var r = CliRun.Run([.. command.Split(' '), "--help"]);
        Assert.Equal(0, r.Exit);
        var lines = r.Out.Split('\n');
        var examples = lines.Where(l => l.TrimStart().StartsWith("Example: checker ", StringComparison.Ordinal)).ToList();
        Assert.Single(examples);
        Assert.Contains($"Example: checker {command.Split(' ')[0]} ", examples[0], StringComparison.Ordinal);
        foreach (var line in lines.Where(l => l.Contains("[default: ", StringComparison.Ordinal)))
            Assert.DoesNotMatch(@"\(default[ :]|by default|; default", line[..line.IndexOf("[default: ", StringComparison.Ordinal)]);
        Assert.DoesNotContain(lines, l => l.Contains("off by default", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_subcommand_of_the_root_has_a_help_test()
    {
        var r = CliRun.Run("--help");
        var listed = r.Out.Split('\n').SkipWhile(l => l != "Commands:").Skip(1)
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("   ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.NotEmpty(listed);
        var tested = Names.Select(c => c.Split(' ')[0]).ToHashSet();
        Assert.All(listed, c => Assert.Contains(c, tested));
    }
}
