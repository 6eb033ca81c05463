using System.CommandLine;
using Checker.Cli.Rendering;
using Spectre.Console;

namespace Checker.Cli.Commands;

/// <summary>`checker corpus replay DIR` and `checker corpus merge DIR...`: the corpus explore writes.</summary>
public static class CorpusCommand
{
    public static Command Create(TextWriter stdout, TextWriter? stderr = null)
    {
        stderr ??= TextWriter.Null;
        var command = new Command("corpus", "Work with a corpus directory written by `explore --corpus`.\nExample: checker corpus replay corpus/\n" + Cli.ExitCodesHelp);
        command.Subcommands.Add(Replay(stdout, stderr));
        command.Subcommands.Add(Merge(stdout, stderr));
        return command;
    }

    private static Command Replay(TextWriter stdout, TextWriter stderr)
    {
        var dir = new Argument<string>("dir") { Description = "Corpus directory" };
        var command = new Command("replay",
            "Replay every entry under its recorded variants; print a table; exit 1 if any still fails, 0 if all are fixed.\n"
            + "Example: checker corpus replay corpus/") { dir };
        command.SetAction(parse =>
        {
            var table = Tables.Create("entry", "property", "events", "result");
            table.Columns[2].RightAligned();
            int failing = 0;
            var corpusDir = parse.GetValue(dir)!;
            var entries = Corpus.Entries(corpusDir);
            Corpus.ReportStale(corpusDir, stderr);
            foreach (var file in entries)
            {
                var saved = SavedCounterexample.Load(file);
                bool fails = saved.Replay() is not null;
                failing += fails ? 1 : 0;
                table.AddRow(Tables.Cell(Path.GetFileName(file)), Tables.Cell(saved.Document.Property),
                    Tables.Cell(saved.Document.Events.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    fails ? Tables.Cell("still fails", Tone.Bad) : Tables.Cell("fixed", Tone.Good));
            }
            stdout.Write(Tables.Render(table, Tables.Colour(stdout)));
            stdout.WriteLine($"checker: {(failing > 0 ? "counterexample" : "passed")}: {table.Rows.Count} entries, {failing} still failing");
            return (int)(failing > 0 ? ExitCode.Counterexample : ExitCode.Ok);
        });
        return command;
    }

    private static Command Merge(TextWriter stdout, TextWriter stderr)
    {
        var dirs = new Argument<string[]>("dirs") { Description = "Corpus directories (shard outputs)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("-o", "--output") { Description = "Merge into this directory (default: the first DIR)" };
        var command = new Command("merge",
            "Merge corpus directories: every entry missing from the target is copied into it; entries with the same name "
            + "are the same shrunk counterexample, so one is kept.\nExample: checker corpus merge shard-1/ shard-2/ -o corpus/") { dirs, output };
        command.SetAction(parse =>
        {
            var sources = parse.GetValue(dirs)!;
            var target = parse.GetValue(output) ?? sources[0];
            var outputs = new Output.OutputPlan();
            var targetDir = outputs.Directory(parse.GetValue(output) is null ? "corpus merge" : "--output", target)!;
            int copied = Corpus.Merge(outputs, targetDir, sources);
            if (targetDir.Exists)
                Corpus.RemoveStale(target, stderr);
            outputs.Commit(stdout);
            stdout.WriteLine($"checker: merged {copied} new entries into {target} ({Corpus.Entries(target).Count} in all)");
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
