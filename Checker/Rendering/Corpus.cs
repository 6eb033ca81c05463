using System.Globalization;
using Checker.Cli.Documents;
using Checker.Properties.Exhaustive;

namespace Checker.Cli.Rendering;

/// <summary>
/// A corpus directory: one shrunk counterexample per file, named by the fingerprint of its shrunk
/// form (property, variants, machine, events), written atomically. Two runs that find the same
/// shrunk bug write the same name, and the later rename just replaces an identical file.
/// </summary>
public static class Corpus
{
    public static string FileName(CounterexampleReport report)
    {
        var key = string.Join("\n", new[] { report.Property, string.Join(",", report.Variants.NonDefaultPairs()) }
            .Concat(report.Shrunk.Machine.Devices.Select(d => "device " + d.Name))
            .Concat(report.Shrunk.Machine.Drivers.Select(d => $"driver {d.Name} {d.Arrival}"))
            .Concat(report.Shrunk.Machine.Iommus.Select(i => "iommu " + i.Name))
            .Concat(report.Events));
        return Fingerprint.OfText(key).ToString("x16", CultureInfo.InvariantCulture) + ".json";
    }

    /// <summary>Writes REPORT into DIR; returns its path.</summary>
    public static string Write(string dir, CounterexampleReport report)
    {
        var path = Path.Combine(dir, FileName(report));
        AtomicFile.Write(path, Documents.DocumentJson.Write(report.ToDocument().RelativeTo(path)));
        return path;
    }

    /// <summary>The entries of DIR: its `*.json` files in ordinal order (temporary files of a killed writer are not entries).</summary>
    public static IReadOnlyList<string> Entries(string dir)
    {
        var (kind, _) = Output.FileKinds.Of(dir);
        if (kind == Output.FileKind.Missing)
            throw new UsageException($"{dir}: no such corpus directory");
        if (kind != Output.FileKind.Directory)
            throw new UsageException($"{dir}: is {Output.FileKinds.Describe(kind)}, expected a corpus directory");
        return [.. Directory.GetFiles(dir, "*.json").Where(f => Output.FileKinds.Of(f).Kind == Output.FileKind.Regular).Order(StringComparer.Ordinal)];
    }

    /// <summary>A writer's temporary file: `.NAME.PID.tmp` (see <see cref="Output.OutputPlan.TempName"/>).</summary>
    private static readonly System.Text.RegularExpressions.Regex TempFile = new(@"^\..+\.(?<pid>[0-9]{1,10})\.tmp$");

    /// <summary>
    /// Temporary files in DIR left by a writer that was killed between writing and renaming: the
    /// ones whose process is gone. A file whose process still runs is another run's, mid-write.
    /// </summary>
    public static IReadOnlyList<string> StaleTemporaryFiles(string dir) =>
        [.. Directory.GetFiles(dir, ".*.tmp")
            .Where(f => TempFile.Match(Path.GetFileName(f)) is { Success: true } m && !Running(m.Groups["pid"].Value))
            .Order(StringComparer.Ordinal)];

    /// <summary>Removes DIR's stale temporary files, reporting each on LOG.</summary>
    public static void RemoveStale(string dir, TextWriter log)
    {
        foreach (var file in StaleTemporaryFiles(dir))
        {
            try
            {
                File.Delete(file);
                log.WriteLine($"checker: corpus: removed {file}, a temporary file left by a run that was killed");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.WriteLine($"checker: corpus: cannot remove the stale temporary file {file}: {e.Message}");
            }
        }
    }

    /// <summary>Reports DIR's stale temporary files on LOG without touching them (a read-only command).</summary>
    public static void ReportStale(string dir, TextWriter log)
    {
        foreach (var file in StaleTemporaryFiles(dir))
            log.WriteLine($"checker: corpus: ignored {file}, a temporary file left by a run that was killed (the next explore --corpus or corpus merge removes it)");
    }

    private static bool Running(string pid)
    {
        if (!int.TryParse(pid, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            return false;
        if (id == Environment.ProcessId)
            return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The entry FROM as it reads at TO: its scenario path made relative to TO's directory.</summary>
    private static string Rebased(string from, string to)
    {
        var text = Output.InputFile.ReadText(from, "corpus entry");
        var doc = Documents.DocumentJson.Read<Documents.CounterexampleDocument>(from, text);
        var scenario = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(from))!, doc.Scenario.Path));
        return Documents.DocumentJson.Write((doc with { Scenario = doc.Scenario with { Path = scenario } }).RelativeTo(to));
    }

    /// <summary>
    /// Copies every entry of SOURCES missing from TARGET into it, through OUTPUTS (which the caller
    /// commits); returns how many will be copied. Every source is checked before anything is staged.
    /// </summary>
    public static int Merge(Output.OutputPlan outputs, Output.OutputPlan.DirectoryOutput target, IEnumerable<string> sources)
    {
        var targetFull = Path.GetFullPath(target.Path);
        var lists = sources.Select(d => (Dir: d, Files: Entries(d))).ToList();
        var existing = target.Exists ? Entries(target.Path).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal) : [];
        var staged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (dir, files) in lists.Where(l => Path.GetFullPath(l.Dir) != targetFull))
            foreach (var file in files)
            {
                var name = Path.GetFileName(file);
                if (existing.Contains(name) || !staged.Add(name))
                    continue;
                outputs.Add(target, name, Rebased(file, Path.Combine(target.Path, name)));
            }
        return staged.Count;
    }
}
