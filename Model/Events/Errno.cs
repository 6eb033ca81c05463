namespace Checker.Model.Events;

/// <summary>The errnos the model speaks, by their kernel names (values negative, as probe returns them).</summary>
public static class Errno
{
    public const int EIO = -5;
    public const int ENXIO = -6;
    public const int ENOMEM = -12;
    public const int EBUSY = -16;
    public const int ENODEV = -19;
    public const int EINVAL = -22;
    public const int ENOSPC = -28;
    public const int EPROBE_DEFER = -517;

    private static readonly (string Name, int Value)[] Table =
    [
        ("EIO", EIO), ("ENXIO", ENXIO), ("ENOMEM", ENOMEM), ("EBUSY", EBUSY), ("ENODEV", ENODEV),
        ("EINVAL", EINVAL), ("ENOSPC", ENOSPC), ("EPROBE_DEFER", EPROBE_DEFER),
    ];

    public static IEnumerable<string> Names => Table.Select(t => t.Name);

    /// <summary>Parses `-ENOMEM`, `ENOMEM` or `-12`.</summary>
    public static int? Parse(string text)
    {
        var t = text.Trim().TrimStart('-');
        foreach (var (name, value) in Table)
            if (string.Equals(name, t, StringComparison.Ordinal))
                return value;
        return int.TryParse(t, out var n) && n > 0 && n < 4096 ? -n : null;
    }

    public static string Name(int errno)
    {
        foreach (var (name, value) in Table)
            if (value == errno)
                return "-" + name;
        return errno.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
