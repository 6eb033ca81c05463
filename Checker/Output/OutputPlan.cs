namespace Checker.Cli.Output;

/// <summary>
/// Every output of one command run. Each path is checked when it is declared, before any work
/// (not empty, a file where a file is wanted and a directory where a directory is wanted, its
/// parent an existing directory, a file can be created there); the contents are staged in
/// memory as the run produces them and written only by <see cref="Commit"/>: every file first to
/// a temporary file in its target directory, then, once all of them are written, each renamed
/// into place. A failure before the renames removes every temporary file and every directory the
/// plan created, so a run that exits 2 leaves nothing behind.
/// </summary>
public sealed class OutputPlan
{
    private readonly List<Target> _targets = [];
    private readonly object _gate = new();
    private string? _stdoutText;

    /// <summary>A file output; its text is set once the run has it.</summary>
    public sealed class FileOutput
    {
        internal FileOutput(string path, string full) => (Path, Full) = (path, full);
        public string Path { get; }
        internal string Full { get; }
        internal string? Text { get; set; }
        internal bool Append { get; init; }
    }

    /// <summary>A directory output (a corpus): entries are added by name while the run goes on.</summary>
    public sealed class DirectoryOutput
    {
        internal DirectoryOutput(string path, string full) => (Path, Full) = (path, full);
        public string Path { get; }
        internal string Full { get; }
        internal SortedDictionary<string, string> Entries { get; } = new(StringComparer.Ordinal);
        public bool Exists => System.IO.Directory.Exists(Full);
    }

    private abstract record Target(string Flag, string Full);
    private sealed record FileTarget(string Flag, string Full, FileOutput Output) : Target(Flag, Full);
    private sealed record DirectoryTarget(string Flag, string Full, DirectoryOutput Output) : Target(Flag, Full);

    /// <summary>Declares FLAG's file PATH (null: the flag was not given; "-" with allowStdout: standard output).</summary>
    public FileOutput? File(string flag, string? path, bool allowStdout = false)
    {
        if (path is null || (allowStdout && path == "-"))
            return null;
        var full = Checked(flag, path, "file");
        var (kind, _) = FileKinds.Of(full);
        if (kind is not (FileKind.Missing or FileKind.Regular))
            throw new UsageException($"{flag} {path}: is {FileKinds.Describe(kind)}, expected a file to write");
        CheckParent(flag, path, full);
        var output = new FileOutput(path, full);
        _targets.Add(new FileTarget(flag, full, output));
        return output;
    }

    /// <summary>
    /// Declares FLAG's file PATH to append to (a job summary other steps write too): checked like
    /// <see cref="File"/>, appended to after every other output is in place.
    /// </summary>
    public FileOutput? AppendFile(string flag, string? path)
    {
        var output = File(flag, path);
        if (output is null)
            return null;
        var appended = new FileOutput(output.Path, output.Full) { Append = true };
        _targets[^1] = new FileTarget(flag, output.Full, appended);
        return appended;
    }

    /// <summary>Declares FLAG's directory PATH: an existing directory, or one to create in an existing directory.</summary>
    public DirectoryOutput? Directory(string flag, string? path)
    {
        if (path is null)
            return null;
        var full = Checked(flag, path, "directory");
        var (kind, _) = FileKinds.Of(full);
        if (kind == FileKind.Directory)
            ProbeWritable(flag, path, full);
        else if (kind == FileKind.Missing)
            CheckParent(flag, path, full);
        else
            throw new UsageException($"{flag} {path}: is {FileKinds.Describe(kind)}, expected a directory");
        var output = new DirectoryOutput(path, full);
        _targets.Add(new DirectoryTarget(flag, full, output));
        return output;
    }

    /// <summary>Text for standard output, written after the files (so a failed write prints nothing).</summary>
    public void Stdout(string text) => _stdoutText = text;

    public void Set(FileOutput? output, string text)
    {
        if (output is not null)
            output.Text = text;
    }

    /// <summary>Adds (or replaces) entry NAME of DIR; safe to call from several threads.</summary>
    public void Add(DirectoryOutput? dir, string name, string text)
    {
        if (dir is null)
            return;
        lock (_gate)
            dir.Entries[name] = text;
    }

    /// <summary>Writes every staged output, all or none, then the standard output text.</summary>
    public void Commit(TextWriter stdout)
    {
        var temps = new List<(string Temp, string Final)>();
        var created = new List<string>();
        try
        {
            lock (_gate)
                foreach (var target in _targets)
                    switch (target)
                    {
                        case FileTarget { Output: { Text: { } text, Append: false } f }:
                            temps.Add((WriteTemp(target.Flag, f.Path, f.Full, text), f.Full));
                            break;
                        case DirectoryTarget { Output: var d } when d.Entries.Count > 0 || !d.Exists:
                            if (!d.Exists)
                            {
                                System.IO.Directory.CreateDirectory(d.Full);
                                created.Add(d.Full);
                            }
                            foreach (var (name, text) in d.Entries)
                                temps.Add((WriteTemp(target.Flag, System.IO.Path.Combine(d.Path, name), System.IO.Path.Combine(d.Full, name), text),
                                    System.IO.Path.Combine(d.Full, name)));
                            break;
                    }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UsageException)
        {
            foreach (var (temp, _) in temps)
                TryDelete(temp);
            foreach (var dir in created)
                TryDeleteDirectory(dir);
            if (e is UsageException)
                throw;
            throw new UsageException($"cannot write the outputs: {e.Message} (nothing was written)");
        }
        foreach (var (temp, final) in temps)
        {
            try
            {
                System.IO.File.Move(temp, final, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(temp);
                throw new UsageException($"{final}: cannot rename the written file into place: {e.Message}");
            }
        }
        foreach (var target in _targets)
            if (target is FileTarget { Output: { Text: { } text, Append: true } f })
            {
                try
                {
                    System.IO.File.AppendAllText(f.Full, text);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"{target.Flag} {f.Path}: cannot append: {e.Message}");
                }
            }
        if (_stdoutText is not null)
            stdout.Write(_stdoutText);
    }

    /// <summary>The name of the temporary file that stands for FULL while it is written.</summary>
    public static string TempName(string full) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full) ?? ".", $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.tmp");

    private string Checked(string flag, string path, string what)
    {
        if (path.Length == 0)
            throw new UsageException($"{flag} \"\": empty path, expected a {what}");
        if (path.Contains('\0'))
            throw new UsageException($"{flag} {path}: a path must not contain a NUL character");
        string full;
        try
        {
            full = System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{flag} {path}: not a usable path: {e.Message}");
        }
        full = System.IO.Path.TrimEndingDirectorySeparator(full);
        foreach (var other in _targets)
            if (other.Full == full)
                throw new UsageException($"{flag} {path}: the same path as {other.Flag}; give each output its own path");
        return full;
    }

    private static void CheckParent(string flag, string path, string full)
    {
        var parent = System.IO.Path.GetDirectoryName(full);
        if (parent is null)
            throw new UsageException($"{flag} {path}: not a path that can be written");
        var (kind, _) = FileKinds.Of(parent);
        if (kind == FileKind.Missing)
            throw new UsageException($"{flag} {path}: directory {parent} does not exist");
        if (kind != FileKind.Directory)
            throw new UsageException($"{flag} {path}: {parent} is {FileKinds.Describe(kind)}, not a directory");
        ProbeWritable(flag, path, parent);
    }

    /// <summary>Creates and removes a file in DIR: the one sure test that the outputs can be written there.</summary>
    private static void ProbeWritable(string flag, string path, string dir)
    {
        var probe = System.IO.Path.Combine(dir, $".checker-probe.{Environment.ProcessId}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            string why = e switch
            {
                UnauthorizedAccessException => "permission denied",
                FileNotFoundException or DirectoryNotFoundException => "the directory does not accept new files",
                _ => "a file cannot be created there",
            };
            throw new UsageException($"{flag} {path}: cannot write in {dir}: {why}");
        }
    }

    private static string WriteTemp(string flag, string path, string full, string text)
    {
        var temp = TempName(full);
        try
        {
            using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new UsageException($"{flag} {path}: cannot write: {e.Message} (nothing was written)");
        }
        return temp;
    }

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleanup after a failure must not hide the failure itself.
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            System.IO.Directory.Delete(path, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As above: the original error is the one to report.
        }
    }
}
