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

/// <summary>A PCI address as the kernel names the device: `DDDD:BB:DD.F`, lowercase hex.</summary>
public readonly record struct Bdf(int Domain, int Bus, int Slot, int Function)
{
    public int Devfn => (Slot << 3) | Function;
    public override string ToString() => $"{Domain:x4}:{Bus:x2}:{Slot:x2}.{Function:x1}";

    /// <summary>Parses `DDDD:BB:DD.F` or `BB:DD.F` (domain 0), as lspci and the kernel print them.</summary>
    public static Bdf? TryParse(string text)
    {
        var m = System.Text.RegularExpressions.Regex.Match(text, "^(?:([0-9a-fA-F]{4}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])$");
        if (!m.Success)
            return null;
        int Hex(int g) => Convert.ToInt32(m.Groups[g].Value, 16);
        int slot = Hex(3);
        if (slot > 0x1f)
            return null;
        return new Bdf(m.Groups[1].Success ? Hex(1) : 0, Hex(2), slot, Hex(4));
    }
}
