using Checker.Model.Import;

namespace Checker.Cli.Commands;

/// <summary>Reads dump files for the import commands and turns parse errors into bad input (`file:line: message`).</summary>
public static class DumpFiles
{
    public static T Parse<T>(string path, Func<string, string, T> parser)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot read: {e.Message}");
        }
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
            try
            {
                files.Add((path, File.ReadAllText(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{path}: cannot read: {e.Message}");
            }
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

    /// <summary>Writes TEXT to PATH through a temporary file in the same directory and a rename: never half-written.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new UsageException($"{path}: cannot write: {e.Message}");
        }
    }
}
