using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Checker.Model.Topology.Quirks;

namespace Checker.Model.Import;

/// <summary>A line of pasted text that shows the kernel command line, or a parameter of it, and where it is.</summary>
public sealed record CommandLineEvidence(string File, int Line, string Text);

/// <summary>
/// The kernel command line as pastes show it next to their lspci output: `cat /proc/cmdline`
/// (`BOOT_IMAGE=/boot/vmlinuz-6.8.0-49-generic root=... ro quiet`), `/etc/default/grub`
/// (`GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=on"`), dmesg's `Kernel command line:`, or prose
/// around a Markdown code block naming a parameter (`pcie_acs_override=downstream is set`). Two
/// facts are read from it: the kernel version in the image name, `pcie_acs_override=` and
/// `deferred_probe_timeout=`.
/// </summary>
public static class KernelCommandLine
{
    /// <summary>`cat /proc/cmdline`: parameters only, one of them the boot image, the root or the initrd.</summary>
    private static readonly Regex ProcCmdline = new("^(?:\\S+\\s+)*(?:BOOT_IMAGE|root|initrd)=\\S*(?:\\s+\\S+)*$");
    private static readonly Regex ParameterWord = new("^[\\w.\\-/\\\\]+(?:=\\S*)?$");
    private static readonly Regex Grub = new("^GRUB_CMDLINE_LINUX(?:_DEFAULT)?=");
    private static readonly Regex Dmesg = new("Kernel command line: ");
    private static readonly Regex ImageVersion = new("\\bBOOT_IMAGE=\\S*?vmlinuz-(?<v>\\d+\\.\\d+(?:\\.\\d+)?)");
    private static readonly Regex Override = new("\\bpcie_acs_override=(?<v>[^\\s\"'`]*)");
    private static readonly Regex Timeout = new("\\bdeferred_probe_timeout=(?<v>[^\\s\"'`]*)");

    /// <summary>Whether LINE (trimmed) is a kernel command line or a grub line setting one: not lspci output.</summary>
    public static bool IsCommandLine(string line) =>
        Grub.IsMatch(line) || (ProcCmdline.IsMatch(line) && line.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(ParameterWord.IsMatch));

    /// <summary>Whether LINE holds kernel command-line facts worth keeping: a command line, or a mention of a parameter the model reads.</summary>
    public static bool IsEvidence(string line) => IsCommandLine(line) || Dmesg.IsMatch(line) || Override.IsMatch(line) || Timeout.IsMatch(line);

    /// <summary>The kernel version of the boot image (`vmlinuz-6.5.11-8-pve` → `6.5.11`), with its line.</summary>
    public static (string Version, CommandLineEvidence Where)? Version(IEnumerable<CommandLineEvidence> lines)
    {
        foreach (var l in lines)
            if (ImageVersion.Match(l.Text) is { Success: true } m)
                return (m.Groups["v"].Value, l);
        return null;
    }

    /// <summary>
    /// The `pcie_acs_override=` parameter, read as pcie_acs_override_setup() reads it: the tokens
    /// it knows are kept, any other is ignored (the patch only warns), and IGNORED names them. The
    /// last mention wins, as the last instance of an early parameter does.
    /// </summary>
    public static (AcsOverride Override, CommandLineEvidence Where, ImmutableArray<string> Ignored)? AcsOverrideOf(IEnumerable<CommandLineEvidence> lines)
    {
        (AcsOverride, CommandLineEvidence, ImmutableArray<string>)? result = null;
        foreach (var l in lines)
            foreach (Match m in Override.Matches(l.Text))
            {
                var kept = new List<string>();
                var ignored = ImmutableArray.CreateBuilder<string>();
                foreach (var token in m.Groups["v"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    (AcsOverride.Parse(string.Join(",", kept.Append(token))).Result is null ? (ICollection<string>)ignored : kept).Add(token);
                result = (AcsOverride.Parse(string.Join(",", kept)).Result!, l, ignored.ToImmutable());
            }
        return result;
    }

    /// <summary>
    /// The `deferred_probe_timeout=` parameter as deferred_probe_timeout_setup() reads it (drivers/base/dd.c,
    /// v5.0 to v6.15: kstrtoint, base 10; a value it cannot read leaves the default): the seconds, or null
    /// for a value kstrtoint refuses. The last mention wins.
    /// </summary>
    public static (int? Seconds, string Text, CommandLineEvidence Where)? DeferredProbeTimeoutOf(IEnumerable<CommandLineEvidence> lines)
    {
        (int?, string, CommandLineEvidence)? result = null;
        foreach (var l in lines)
            foreach (Match m in Timeout.Matches(l.Text))
            {
                var text = m.Groups["v"].Value;
                var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
                int? seconds = digits.Length > 0 && digits.All(char.IsAsciiDigit)
                    && int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
                result = (seconds, text, l);
            }
        return result;
    }
}
