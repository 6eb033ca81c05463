using System.Text;
using System.Text.RegularExpressions;

namespace Checker.Model.Tests.Fuzz;

/// <summary>
/// Runs one fuzz case through the command line in process and checks what every case must
/// satisfy: exit 0, 1 or 2 (4 where the command may stop early); on 2 a message naming the file,
/// a line inside it and (for scenarios) the field; no stack trace; no output file and no
/// temporary file afterwards; the same message when the same input is run again.
/// </summary>
public static partial class FuzzRun
{
    /// <summary>Cases per property: FUZZ_CASES when set (the nightly run uses 100000), else DEFAULT.</summary>
    public static int Cases(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASES"), out int n) && n > 0 ? n : fallback;

    /// <summary>A fresh directory for one case; removed by <see cref="IDisposable.Dispose"/>.</summary>
    public sealed class Scratch : IDisposable
    {
        public string Dir { get; } = Path.Combine(Path.GetTempPath(), $"checker-fuzz-{Guid.NewGuid():N}");

        public Scratch() => Directory.CreateDirectory(Dir);

        public string Write(string name, byte[] bytes)
        {
            var path = Path.Combine(Dir, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    [GeneratedRegex(@"^checker: (?<file>.+?):(?<line>\d+): (?<field>[^\n]+?): .+", RegexOptions.Multiline)]
    private static partial Regex Located();

    /// <summary>
    /// Runs ARGS; INPUT is the damaged file, OUTPUT the file the command would write (or null).
    /// NEEDFIELD: an exit 2 must have the `file:line: field:` form (scenarios); otherwise the
    /// message must name the file, and a line it gives must be inside the file.
    /// </summary>
    public static int Check(string[] args, string input, byte[] bytes, string? output, bool needField, int[] allowed)
    {
        var r = Run(args);
        string Describe() => $"checker {string.Join(' ', args.Select(a => $"'{a}'"))}\nexit {r.Exit}\nstderr: {r.Err}";
        if (!allowed.Contains(r.Exit))
            throw new FuzzFailure($"exit {r.Exit} is not one of {string.Join(", ", allowed)}\n{Describe()}");
        if (r.Err.Contains("internal error", StringComparison.Ordinal) || r.Err.Contains("   at ", StringComparison.Ordinal))
            throw new FuzzFailure($"a stack trace\n{Describe()}");
        if (r.Exit == 2)
        {
            var m = Located().Match(r.Err);
            int lines = LineCount(bytes);
            if (needField && !(m.Success && m.Groups["file"].Value == input && m.Groups["field"].Value.Trim().Length > 0))
                throw new FuzzFailure($"the message is not '{input}:LINE: FIELD: ...'\n{Describe()}");
            if (!r.Err.Contains(input, StringComparison.Ordinal))
                throw new FuzzFailure($"the message does not name {input}\n{Describe()}");
            if (m.Success && m.Groups["file"].Value == input && (!int.TryParse(m.Groups["line"].Value, out int line) || line < 1 || line > lines + 1))
                throw new FuzzFailure($"line {m.Groups["line"].Value} is outside the file ({lines} lines)\n{Describe()}");
            var again = Run(args);
            if (again.Err != r.Err || again.Exit != r.Exit)
                throw new FuzzFailure($"the same input gave another answer the second time: exit {again.Exit}: {again.Err}\n{Describe()}");
            if (output is not null && Path.Exists(output))
                throw new FuzzFailure($"{output} was written although the exit was 2\n{Describe()}");
        }
        var dir = Path.GetDirectoryName(input)!;
        var stray = Directory.GetFileSystemEntries(dir).Where(f => f != input && f != output).ToList();
        if (stray.Count > 0)
            throw new FuzzFailure($"left behind: {string.Join(", ", stray)}\n{Describe()}");
        return r.Exit;
    }

    public static Support.CliRun.Result Run(string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        // Every path is absolute, so no change of directory (and no lock) is needed.
        int exit = Checker.Cli.Cli.Run(args, stdout, stderr);
        return new Support.CliRun.Result(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Lines of the file as the reader decodes it (UTF-16 with its mark, else UTF-8).</summary>
    private static int LineCount(byte[] bytes)
    {
        var text = bytes is [0xFF, 0xFE, ..] ? Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2)
            : bytes is [0xFE, 0xFF, ..] ? Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2)
            : Encoding.UTF8.GetString(bytes);
        // YAML also breaks lines at a lone CR, NEL, LS and PS: count every kind, so the bound is generous.
        int breaks = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] is '\n' or '\u0085' or '\u2028' or '\u2029' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
                breaks++;
        return 1 + breaks;
    }
}

/// <summary>A fuzz case that broke a promise; its message is the case and what went wrong.</summary>
public sealed class FuzzFailure(string message) : Exception(message);
