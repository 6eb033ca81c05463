namespace Checker.Model.Import;

/// <summary>A line of an imported dump that the importer cannot understand: where it is and why.</summary>
public sealed class ImportException(string file, int line, string message) : Exception($"{file}:{line}: {message}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Reason { get; } = message;
}

/// <summary>Splits dump text into lines, accepting Windows line endings; line numbers are 1-based.</summary>
public static class DumpLines
{
    public static IEnumerable<(int Line, string Text)> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (int i = 0; i < count; i++)
            yield return (i + 1, lines[i].TrimEnd('\r'));
    }
}

/// <summary>
/// A PCI address as the kernel names the device: `DDDD:BB:DD.F`, lowercase hex, the domain in
/// four hex digits or more (`%04x`: a VMD domain is `10000` on, <see cref="State.PciDomain"/>).
/// </summary>
public readonly record struct Bdf(int Domain, int Bus, int Slot, int Function)
{
    private static readonly System.Text.RegularExpressions.Regex Form =
        new($"^(?:({State.PciDomain.Pattern}):)?([0-9a-fA-F]{{2}}):([0-9a-fA-F]{{2}})\\.([0-7])$");

    public int Devfn => (Slot << 3) | Function;
    public override string ToString() => $"{State.PciDomain.Format(Domain)}:{Bus:x2}:{Slot:x2}.{Function:x1}";

    /// <summary>Parses `DDDD:BB:DD.F` (4 to 8 domain digits) or `BB:DD.F` (domain 0), as lspci and the kernel print them.</summary>
    public static Bdf? TryParse(string text) => TryParse(text, out _);

    /// <summary><see cref="TryParse(string)"/>, with the reason in WHY when TEXT is an address Linux cannot have.</summary>
    public static Bdf? TryParse(string text, out string why)
    {
        why = "";
        var m = Form.Match(text);
        if (!m.Success)
            return null;
        int Hex(int g) => Convert.ToInt32(m.Groups[g].Value, 16);
        int slot = Hex(3);
        if (slot > 0x1f)
        {
            why = $"device number {slot:x2} is above 1f";
            return null;
        }
        int? domain = m.Groups[1].Success ? State.PciDomain.Parse(m.Groups[1].Value, out why) : 0;
        return domain is int d ? new Bdf(d, Hex(2), slot, Hex(4)) : null;
    }
}
