using System.CommandLine;
using Checker.Cli.Commands;

namespace Checker.Cli;

/// <summary>The `checker` command line: parses, dispatches to a command, maps failures to exit codes.</summary>
public static class Cli
{
    public const string ExitCodesHelp =
        "Exit codes: 0 passed (or vacuous), 1 counterexample found, 2 bad input (nothing written), 3 internal error, "
        + "4 incomplete (a time budget, depth bound or Ctrl-C stopped the run first; docs/checking.md).";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(
            "Checker: a property-based model checker for Linux device probing, probe deferral, IOMMU groups and DMA ops.\n"
            + ExitCodesHelp);
        root.Subcommands.Add(BootCommand.Create(stdout));
        root.Subcommands.Add(CheckCommand.Create(stdout, stderr));
        root.Subcommands.Add(ReplayCommand.Create(stdout, stderr));
        root.Subcommands.Add(MatrixCommand.Create(stdout, stderr));
        root.Subcommands.Add(ImportCommand.Create(stdout, stderr));
        root.Subcommands.Add(ValidateCommand.Create(stdout));
        root.Subcommands.Add(GraphCommand.Create(stdout));
        root.Subcommands.Add(ExploreCommand.Create(stdout, stderr));
        root.Subcommands.Add(CorpusCommand.Create(stdout, stderr));
        root.Subcommands.Add(ListCommand.Create(stdout));
        root.Subcommands.Add(InitCommand.Create(stdout));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine($"checker: {error.Message}");
            stderr.WriteLine("Run 'checker --help' for usage.");
            return (int)ExitCode.BadInput;
        }
        // From the start, so that a Ctrl-C during loading still ends in a summary and exit 4.
        using var interrupt = Commands.Interrupt.Listen();
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"checker: {e.Message}");
            return (int)ExitCode.BadInput;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"checker: internal error: {e}");
            return (int)ExitCode.InternalError;
        }
    }
}
