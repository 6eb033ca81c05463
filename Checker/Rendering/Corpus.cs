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
        if (!Directory.Exists(dir))
            throw new UsageException($"{dir}: no such corpus directory");
        return [.. Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal)];
    }

    /// <summary>The entry FROM as it reads at TO: its scenario path made relative to TO's directory.</summary>
    private static string Rebased(string from, string to)
    {
        var text = File.ReadAllText(from);
        var doc = Documents.DocumentJson.Read<Documents.CounterexampleDocument>(from, text);
        var scenario = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(from))!, doc.Scenario.Path));
        return Documents.DocumentJson.Write((doc with { Scenario = doc.Scenario with { Path = scenario } }).RelativeTo(to));
    }

    /// <summary>Copies every entry of SOURCES missing from TARGET into it; returns how many were copied.</summary>
    public static int Merge(string target, IEnumerable<string> sources)
    {
        Directory.CreateDirectory(target);
        int copied = 0;
        var targetFull = Path.GetFullPath(target);
        foreach (var dir in sources.Where(d => Path.GetFullPath(d) != targetFull))
            foreach (var file in Entries(dir))
            {
                var to = Path.Combine(target, Path.GetFileName(file));
                if (File.Exists(to))
                    continue;
                AtomicFile.Write(to, Rebased(file, to));
                copied++;
            }
        return copied;
    }
}
