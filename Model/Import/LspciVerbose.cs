using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>An SR-IOV capability: how many VFs are enabled and where their routing IDs start.</summary>
public sealed record SriovInfo(int TotalVfs, int NumVfs, int Offset, int Stride);

/// <summary>What `lspci -vvv` tells about one function.</summary>
public sealed record VerboseDevice(
    Bdf Address, string ClassName, PcieType? Type, AcsFlags? Acs, string? Driver, SriovInfo? Sriov, bool CapabilitiesHidden, int Line);

/// <summary>`lspci -vvv` output: one record per function, keyed by address.</summary>
public static class LspciVerbose
{
    private static readonly Regex Header = new("^((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) ([^:]+): ?(.*)$", RegexOptions.IgnoreCase);
    private static readonly Regex Capability = new("^Capabilities: \\[[0-9a-f]+(?: v\\d+)?\\] (.*)$", RegexOptions.IgnoreCase);
    private static readonly Regex AcsLine = new("^(ACSCap|ACSCtl):\\s+((?:\\w+[+-]\\s*)+)$");
    private static readonly Regex VfCounts = new("Total VFs: (\\d+), Number of VFs: (\\d+)");
    private static readonly Regex VfOffset = new("^VF offset: (\\d+), stride: (\\d+)");

    /// <summary>The PCIe capability types as lspci's cap_express() prints them, most specific first.</summary>
    private static readonly (string Words, PcieType Type)[] ExpressTypes =
    [
        ("Root Complex Integrated Endpoint", PcieType.RcIntegratedEndpoint),
        ("Root Complex Event Collector", PcieType.RcEventCollector),
        ("Legacy Endpoint", PcieType.Endpoint),
        ("Endpoint", PcieType.Endpoint),
        ("Root Port", PcieType.RootPort),
        ("Upstream Port", PcieType.UpstreamPort),
        ("Downstream Port", PcieType.DownstreamPort),
        ("PCI-Express to PCI/PCI-X Bridge", PcieType.PcieToPciBridge),
        ("PCI/PCI-X to PCI-Express Bridge", PcieType.PciToPcieBridge),
    ];

    private static readonly (string Word, AcsFlags Flag)[] AcsWords =
    [
        ("SrcValid", AcsFlags.SourceValidation), ("ReqRedir", AcsFlags.RequestRedirect),
        ("CmpltRedir", AcsFlags.CompletionRedirect), ("UpstreamFwd", AcsFlags.UpstreamForwarding),
    ];

    public static ImmutableDictionary<Bdf, VerboseDevice> Parse(string file, string text)
    {
        var result = ImmutableDictionary.CreateBuilder<Bdf, VerboseDevice>();
        VerboseDevice? dev = null;
        string? capability = null;
        AcsFlags? acsCap = null;
        int? totalVfs = null, numVfs = null;
        bool sawCapabilities = false;

        void Flush()
        {
            if (dev is not null)
                result[dev.Address] = dev;
        }

        foreach (var (line, s) in DumpLines.Of(text))
        {
            if (s.Trim().Length == 0)
                continue;
            if (!char.IsWhiteSpace(s[0]))
            {
                var h = Header.Match(s);
                var bdf = h.Success ? Bdf.TryParse(h.Groups[1].Value) : null;
                if (bdf is not { } address)
                    throw new ImportException(file, line, $"expected a device header 'DDDD:BB:DD.F class: name', got '{Clip(s)}'");
                if (result.TryGetValue(address, out var first) || dev?.Address == address)
                    throw new ImportException(file, line, $"duplicate device {address} (first at line {(first ?? dev!).Line})");
                Flush();
                dev = new VerboseDevice(address, h.Groups[2].Value.Trim(), null, null, null, null, false, line);
                capability = null;
                acsCap = null;
                continue;
            }
            if (dev is null)
                throw new ImportException(file, line, "an indented line before any device header");
            var t = s.Trim();
            sawCapabilities |= t.StartsWith("Capabilities:", StringComparison.Ordinal);
            if (t.StartsWith("Capabilities: <access denied>", StringComparison.Ordinal))
                dev = dev with { CapabilitiesHidden = true };
            else if (Capability.Match(t) is { Success: true } cap)
            {
                capability = cap.Groups[1].Value;
                if (capability.StartsWith("Express", StringComparison.Ordinal))
                    dev = dev with { Type = ExpressType(file, line, capability) };
            }
            else if (t.StartsWith("Capabilities:", StringComparison.Ordinal))
                throw new ImportException(file, line, $"malformed capability line '{Clip(t)}'");
            else if (t.StartsWith("Kernel driver in use:", StringComparison.Ordinal))
                dev = dev with { Driver = t["Kernel driver in use:".Length..].Trim() };
            else if (t.StartsWith("ACSCap:", StringComparison.Ordinal) || t.StartsWith("ACSCtl:", StringComparison.Ordinal))
            {
                var flags = AcsFlagsOf(file, line, t);
                if (t.StartsWith("ACSCap:", StringComparison.Ordinal))
                    acsCap = flags;
                else
                    dev = dev with { Acs = flags | (acsCap is { } c ? AcsFlags.Required & ~c : AcsFlags.None) };
            }
            else if (capability?.Contains("SR-IOV", StringComparison.Ordinal) == true && VfCounts.Match(t) is { Success: true } counts)
                (totalVfs, numVfs) = (Count(file, line, counts.Groups[1].Value), Count(file, line, counts.Groups[2].Value));
            else if (capability?.Contains("SR-IOV", StringComparison.Ordinal) == true && VfOffset.Match(t) is { Success: true } off)
            {
                if (totalVfs is null || numVfs is null)
                    throw new ImportException(file, line, "SR-IOV 'VF offset' before 'Total VFs, Number of VFs'");
                dev = dev with { Sriov = new SriovInfo(totalVfs.Value, numVfs.Value, Count(file, line, off.Groups[1].Value), Count(file, line, off.Groups[2].Value)) };
            }
        }
        Flush();
        // `lspci -nnk` (or `-k`, `-v` without capabilities) has the same headers but none of
        // what this dump is for: PCIe types and ACS would all silently be guessed wrong.
        if (!sawCapabilities && result.Count > 0)
            throw new ImportException(file, result.Values.Min(d => d.Line),
                "no 'Capabilities:' line in the whole dump: this looks like `lspci -nnk` or `lspci -k`, not `lspci -vvv`; run `sudo lspci -vvv` (as root, or the capabilities read '<access denied>')");
        return result.ToImmutable();
    }

    /// <summary>A count lspci printed (VFs, offsets, strides): a 16-bit register, so anything larger is a damaged dump.</summary>
    private static int Count(string file, int line, string digits) =>
        int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n <= 65535 ? n
            : throw new ImportException(file, line, $"'{Clip(digits)}' is not a 16-bit count");

    /// <summary>Flags in effect: every REQ_ACS flag marked `+` (ACSCtl; the caller adds those ACSCap lacks).</summary>
    private static AcsFlags AcsFlagsOf(string file, int line, string t)
    {
        var m = AcsLine.Match(t);
        if (!m.Success)
            throw new ImportException(file, line, $"malformed ACS line '{Clip(t)}' (expected 'ACSCtl: SrcValid+ ReqRedir- ...')");
        var words = m.Groups[2].Value.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries);
        var flags = AcsFlags.None;
        foreach (var (word, flag) in AcsWords)
            if (words.Contains(word + "+"))
                flags |= flag;
        return flags;
    }

    private static PcieType ExpressType(string file, int line, string capability)
    {
        foreach (var (words, type) in ExpressTypes)
            if (capability.Contains(words, StringComparison.Ordinal))
                return type;
        throw new ImportException(file, line, $"unknown PCI Express device type in '{Clip(capability)}'");
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
