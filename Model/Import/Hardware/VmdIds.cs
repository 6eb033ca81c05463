using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Import.Hardware;

/// <summary>
/// The IDs the kernel's vmd driver binds (vmd-ids.tsv: vmd_ids[] of drivers/pci/controller/vmd.c,
/// v6.15), each with its table entry: the functions the import takes for VMD endpoints.
/// </summary>
public sealed class VmdIds
{
    private const string ResourceName = "Checker.Model.Import.Hardware.vmd-ids.tsv";
    private const string FileName = "vmd-ids.tsv";

    private static readonly Regex IdPair = new("^([0-9a-f]{4}):([0-9a-f]{4})$", RegexOptions.CultureInvariant);

    private readonly ImmutableDictionary<(int Vendor, int Device), string> _source;

    private VmdIds(ImmutableDictionary<(int, int), string> source) => _source = source;

    /// <summary>The table embedded in the Model assembly.</summary>
    public static VmdIds Default { get; } = Parse(EmbeddedTable.Text(ResourceName, FileName));

    /// <summary>The vmd_ids[] entry that matches IDS, or null when the vmd driver does not bind it.</summary>
    public string? Entry(PciIds? ids) =>
        ids is { Vendor: int v, Device: int d } ? _source.GetValueOrDefault((v, d)) : null;

    public int Count => _source.Count;

    /// <summary>Reads the table text; a malformed or repeated row is an error naming the line.</summary>
    public static VmdIds Parse(string text)
    {
        var rows = ImmutableDictionary.CreateBuilder<(int, int), string>();
        foreach (var (line, s) in EmbeddedTable.Rows(text))
        {
            var f = s.Split('\t');
            if (f.Length != 2)
                throw Error(line, $"expected 2 tab-separated columns (vendor:device, source), got {f.Length}");
            var id = IdPair.Match(f[0]);
            if (!id.Success)
                throw Error(line, $"vendor:device must be two lowercase 4-digit hex IDs, got '{f[0]}'");
            if (!f[1].StartsWith("{PCI_VDEVICE(", StringComparison.Ordinal))
                throw Error(line, $"source must be the vmd_ids[] entry, got '{f[1]}'");
            var key = (int.Parse(id.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                int.Parse(id.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            if (!rows.TryAdd(key, f[1]))
                throw Error(line, $"{f[0]} has a row already");
        }
        return new VmdIds(rows.ToImmutable());
    }

    private static FormatException Error(int line, string message) => new($"{FileName}:{line}: {message}");
}
