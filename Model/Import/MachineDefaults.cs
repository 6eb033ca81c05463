using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>
/// What an import without `--base` infers about the machine as a whole: the architecture from its
/// host bridges and chipsets, the IOMMU units the kernel would register, the kernel era.
/// </summary>
public static class MachineDefaults
{
    private const int Intel = 0x8086, Amd = 0x1022;

    /// <summary>Vendors whose host bridges and root ports are arm64 SoCs (HiSilicon, Ampere, Cavium, Qualcomm, Phytium, Rockchip, NXP).</summary>
    private static readonly ImmutableDictionary<int, string> Arm64Vendors = new Dictionary<int, string>
    {
        [0x19e5] = "HiSilicon/Huawei", [0x1def] = "Ampere", [0x177d] = "Cavium", [0x17cb] = "Qualcomm",
        [0x1db7] = "Phytium", [0x1d87] = "Rockchip", [0x1957] = "NXP",
    }.ToImmutableDictionary();

    private static readonly Regex Arm64Names = new("^(Huawei Technologies|HiSilicon|Ampere Computing|Cavium|Qualcomm|Phytium|Rockchip|Freescale)", RegexOptions.IgnoreCase);
    private static readonly Regex X86Chipset = new(
        "^(Intel Corporation|Advanced Micro Devices|AMD)\\b.*(Host Bridge|Root Complex|DRAM|LPC|ISA|PCH|Chipset|FCH|SMBus|Dummy Host)", RegexOptions.IgnoreCase);
    private static readonly Regex LinuxVersion = new("Linux version (\\d+)\\.(\\d+)");

    /// <summary>The architecture: `--arch`, the base's, else inferred; every inference is a guess.</summary>
    public static Arch ArchOf(ImportInputs input, List<Guess> guesses)
    {
        if ((input.Arch ?? input.Base?.Arch) is { } given)
            return given;
        var functions = Functions(input).ToList();
        if (functions.FirstOrDefault(f => IsX86Chipset(f)) is { } x86)
        {
            guesses.Add(new Guess(GuessSubject.Machine, $"arch x86 inferred from {x86.Name} ({Clip(x86.Description)}); --arch overrides"));
            return Arch.X86;
        }
        if (functions.FirstOrDefault(f => f.Vendor is int v && Arm64Vendors.ContainsKey(v) || Arm64Names.IsMatch(f.Description)) is { } arm)
        {
            guesses.Add(new Guess(GuessSubject.Machine, $"arch arm64 inferred from {arm.Name} ({Clip(arm.Description)}: an arm64 SoC vendor); --arch overrides"));
            return Arch.Arm64;
        }
        var domains = input.Tree?.HostBridges.Select(h => h.Domain).Distinct().Count() ?? 0;
        if (domains > 1 && !functions.Any(f => f.HostBridgeClass))
        {
            guesses.Add(new Guess(GuessSubject.Machine, $"arch arm64 inferred from {domains} PCI segments with no host bridge function (as arm64 ACPI servers have); --arch overrides"));
            return Arch.Arm64;
        }
        guesses.Add(new Guess(GuessSubject.Machine, "arch x86 assumed: no chipset or SoC in the dump says otherwise; --arch overrides"));
        return Arch.X86;
    }

    /// <summary>A function as the inference sees it: name, IDs and class where the dump has them, description.</summary>
    private sealed record Function(string Name, int? Vendor, bool HostBridgeClass, bool OnRootBus, string Description);

    private static IEnumerable<Function> Functions(ImportInputs input)
    {
        foreach (var t in input.Tree?.Devices ?? [])
        {
            var v = input.Verbose?.GetValueOrDefault(t.Address);
            var description = v?.Description is { Length: > 0 } d ? d : t.Description;
            yield return new Function(t.Address.ToString(), v?.Vendor ?? TreeVendor(t.Description),
                v is not null && TreeInference.IsHostBridge(v), t.Parent is null, description);
        }
    }

    private static readonly Regex TreeIds = new("\\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\\]\\s*$");

    /// <summary>Vendor and device from a `-tvnn` description (`... [8086:2280]`).</summary>
    public static (int Vendor, int Device)? TreeIdsOf(string description) =>
        TreeIds.Match(description) is { Success: true } m
            ? (int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            : null;

    private static int? TreeVendor(string description) => TreeIdsOf(description)?.Vendor;

    private static bool IsX86Chipset(Function f) =>
        f.OnRootBus && ((f.HostBridgeClass && f.Vendor is Intel or Amd) || X86Chipset.IsMatch(f.Description));

    /// <summary>Whether the dump shows an AMD chipset (AMD-Vi) rather than an Intel one (DMAR).</summary>
    public static bool IsAmd(ImportInputs input) =>
        Functions(input).Where(IsX86Chipset).Select(f => f.Vendor == Amd || f.Description.StartsWith("Advanced Micro Devices", StringComparison.OrdinalIgnoreCase)
            || f.Description.StartsWith("AMD", StringComparison.Ordinal)).FirstOrDefault();

    /// <summary>
    /// The AMD IOMMU's own PCI function (class 0806, "IOMMU" in its name): amd_iommu translates
    /// the devices the IVRS table lists, not itself, so it is in no group on a real machine.
    /// </summary>
    public static bool IsAmdIommuFunction(TreeDevice t, VerboseDevice? v) =>
        (v?.ClassCode >> 8 == 0x0806 || v?.ClassName == "IOMMU" || t.Description.Contains("IOMMU", StringComparison.Ordinal))
        && (v?.Vendor == Amd || (v?.Description ?? t.Description).StartsWith("Advanced Micro Devices", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The kernel era: `--kernel`, else the version dmesg's `Linux version` or the boot image in
    /// the lspci text (`BOOT_IMAGE=/boot/vmlinuz-6.5.11-8-pve`) names, else the base's, else the
    /// 6.15 rules; every choice not given is a guess.
    /// </summary>
    public static KernelEra EraOf(ImportInputs input, List<Guess> guesses)
    {
        if (input.Kernel is { } given)
            return given;
        (string Version, string Where)? found = input.Dmesg?.KernelVersion is { } v ? (v, "dmesg shows kernel " + v)
            : KernelCommandLine.Version(input.KernelCommandLine) is { } image
                ? (image.Version, $"the boot image at {image.Where.File}:{image.Where.Line} is kernel {image.Version}") : null;
        if (found is { } f && LinuxVersion.Match("Linux version " + f.Version) is { Success: true } m)
        {
            int major = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), minor = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var era = EraForVersion(major, minor);
            if ($"{major}.{minor}" != era.Version())
                guesses.Add(new Guess(GuessSubject.Machine, $"{f.Where}: the model's {era.Version()} rules are the nearest ({EraRule}); --kernel overrides"));
            return era;
        }
        if (input.Base is { } b)
            return b.Variants.Era;
        guesses.Add(new Guess(GuessSubject.Machine, "kernel 6.15 rules assumed: no --kernel, no 'Linux version' line in dmesg, no boot image "
            + "in the lspci text (a paste of today comes from a recent kernel; --kernel 5.3 for one before v5.8)"));
        return KernelEra.V6_15;
    }

    /// <summary>How a kernel version maps to the model's two rule sets (docs/import.md, "The kernel era").</summary>
    public const string EraRule = "5.3 before 5.8, 6.15 from 5.8 on: the IOMMU groups of a real boot follow the ACS quirk table, "
        + "and v5.8 added pci_quirk_rciep_acs for every Intel root complex integrated endpoint";

    /// <summary>The era whose rules stand for kernel MAJOR.MINOR (see <see cref="EraRule"/>).</summary>
    public static KernelEra EraForVersion(int major, int minor) => major > 5 || (major == 5 && minor >= 8) ? KernelEra.V6_15 : KernelEra.V5_3;

    private static string Clip(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
