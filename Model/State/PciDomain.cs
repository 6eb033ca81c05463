using System.Globalization;

namespace Checker.Model.State;

/// <summary>
/// A PCI domain as Linux writes it: pci_name() (include/linux/pci.h) and lspci print the domain with
/// `%04x`, so four hex digits below 0x10000 and up to eight above; the domains of a VMD controller
/// start at 0x10000 (vmd_find_free_domain(), drivers/pci/controller/vmd.c, v5.3 and v6.15), so
/// `10000:e0:1d.0` is an ordinary name there. The kernel's domain number is an int
/// (pci_domain_nr()), so at most 0x7fffffff.
/// </summary>
public static class PciDomain
{
    /// <summary>The most hex digits `%04x` prints for a domain.</summary>
    public const int MaxDigits = 8;

    /// <summary>The domain part of an address as lspci prints it, for a regular expression: 4 to 8 hex digits.</summary>
    public const string Pattern = "[0-9a-fA-F]{4,8}";

    /// <summary>DOMAIN as `%04x` prints it.</summary>
    public static string Format(int domain) => domain.ToString("x4", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads DIGITS (4 to 8 hex digits); null when they are not a domain Linux can have, with the
    /// reason in WHY.
    /// </summary>
    public static int? Parse(string digits, out string why)
    {
        why = "";
        if (digits.Length is < 4 or > MaxDigits || !digits.All(char.IsAsciiHexDigit))
        {
            why = $"PCI domain '{digits}' is not 4 to {MaxDigits} hex digits (Linux prints a domain as %04x)";
            return null;
        }
        long value = long.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (value > int.MaxValue)
        {
            why = $"PCI domain {digits} is above 7fffffff, the largest a kernel's domain number (an int) can be";
            return null;
        }
        return (int)value;
    }

    /// <summary>
    /// Whether DIGITS has as many digits as `%04x` writes for its value: no leading zero past the
    /// fourth digit (`10000`, not `010000`).
    /// </summary>
    public static bool IsCanonical(string digits) =>
        Parse(digits, out _) is int d && Format(d).Length == digits.Length;
}
