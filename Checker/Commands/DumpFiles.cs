using Checker.Model.Import;

namespace Checker.Cli.Commands;

/// <summary>Reads dump files for the import commands and turns parse errors into bad input (`file:line: message`).</summary>
public static class DumpFiles
{
    public static T Parse<T>(string path, Func<string, string, T> parser)
    {
        var text = Output.InputFile.ReadText(path, "dump");
        try
        {
            return parser(path, text);
        }
        catch (ImportException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Reads every file of PATHS and hands them to PARSER together (a dump split over several files).</summary>
    public static T ParseAll<T>(IReadOnlyList<string> paths, Func<IReadOnlyList<(string File, string Text)>, T> parser)
    {
        var files = new List<(string, string)>();
        foreach (var path in paths)
        {
            files.Add((path, Output.InputFile.ReadText(path, "dump")));
        }
        try
        {
            return parser(files);
        }
        catch (ImportException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
