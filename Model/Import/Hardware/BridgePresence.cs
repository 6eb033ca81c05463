using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Import.Hardware;

/// <summary>One row of bridge-presence.tsv: a bridge chip that the platform's firmware lists only with a link behind it.</summary>
/// <param name="Name">lspci's name of the chip.</param>
/// <param name="Evidence">The published dumps read (URLs), and what each shows behind the chip's instances.</param>
public sealed record BridgePresenceFact(ushort Vendor, ushort Device, string Name, string Evidence);

/// <summary>
/// The rows of bridge-presence.tsv (docs/import.md, "The tree of a flat listing"): bridge chips
/// whose instances published dumps with a tree (`lspci -tv`, the `Bus:` lines of `lspci -v`) show
/// only with a device behind them, since the firmware hides a port that has no link. A flat
/// listing's bus numbers can often be read two ways that differ in which bridge is empty; the
/// reading that leaves none of these empty is taken.
/// </summary>
public sealed class BridgePresence
{
    private const string ResourceName = "Checker.Model.Import.Hardware.bridge-presence.tsv";
    private const string FileName = "bridge-presence.tsv";

    private static readonly Regex IdPair = new("^([0-9a-f]{4}):([0-9a-f]{4})$", RegexOptions.CultureInvariant);

    private readonly ImmutableDictionary<(ushort, ushort), BridgePresenceFact> _byId;

    private BridgePresence(ImmutableDictionary<(ushort, ushort), BridgePresenceFact> byId) => _byId = byId;

    /// <summary>The table embedded in the Model assembly.</summary>
    public static BridgePresence Default { get; } = Load();

    /// <summary>Every row, by vendor:device.</summary>
    public IEnumerable<BridgePresenceFact> Rows => _byId.Values.OrderBy(r => r.Vendor).ThenBy(r => r.Device);

    /// <summary>The row of VENDOR:DEVICE, or null when no dump says its firmware hides it without a link.</summary>
    public BridgePresenceFact? Lookup(ushort vendor, ushort device) => _byId.GetValueOrDefault((vendor, device));

    /// <summary>Whether the firmware lists bridge D only with a link behind it (its IDs known and in the table).</summary>
    public bool ListedOnlyWithLink(VerboseDevice d) =>
        d.IsBridge && d.Vendor is int v && d.Device is int id && v is >= 0 and <= 0xffff && id is >= 0 and <= 0xffff
        && _byId.ContainsKey(((ushort)v, (ushort)id));

    private static BridgePresence Load() => Parse(EmbeddedTable.Text(ResourceName, FileName));

    /// <summary>Reads the table text; a malformed or repeated row is an error naming the line.</summary>
    public static BridgePresence Parse(string text)
    {
        var byId = ImmutableDictionary.CreateBuilder<(ushort, ushort), BridgePresenceFact>();
        foreach (var (line, s) in EmbeddedTable.Rows(text))
        {
            var f = s.Split('\t');
            if (f.Length != 3)
                throw Error(line, $"expected 3 tab-separated columns (vendor:device, name, evidence), got {f.Length}");
            var id = IdPair.Match(f[0]);
            if (!id.Success)
                throw Error(line, $"vendor:device must be two lowercase 4-digit hex IDs, got '{f[0]}'");
            if (f[1].Trim().Length == 0)
                throw Error(line, "name is empty");
            if (!f[2].StartsWith("https://", StringComparison.Ordinal))
                throw Error(line, $"evidence must start with the URL of a published dump, got '{f[2]}'");
            var key = (ushort.Parse(id.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ushort.Parse(id.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            if (byId.ContainsKey(key))
                throw Error(line, $"{f[0]} has a row already: one row per chip, its evidence in one column");
            byId[key] = new BridgePresenceFact(key.Item1, key.Item2, f[1], f[2]);
        }
        return new BridgePresence(byId.ToImmutable());
    }

    private static FormatException Error(int line, string message) => new($"{FileName}:{line}: {message}");
}
