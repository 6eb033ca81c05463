using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Checker.Cli.Commands;

/// <summary>
/// The rules for numeric flags, in one place for every command. A number is written with ASCII
/// digits only: no sign, no blanks, no exponent, no NaN or Infinity, so `--seed " 5"` and
/// `--seed +5` are errors rather than a silent 5 and a seed always reads back the way it was typed.
/// Each error names the flag, the value as given and the range.
/// </summary>
public static partial class CommonOptions
{
    /// <summary>The longest --time-budget: about 31 years, far past any run, and exact in a double.</summary>
    public const double MaxSeconds = 1e9;

    /// <summary>A --seed: a 64-bit unsigned whole number.</summary>
    public static Option<ulong> Seed(string description, ulong fallback) => new("--seed")
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => Digits(r) is { } text && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : Fail<ulong>(r, "--seed", $"expected a whole number from 0 to {ulong.MaxValue}, written with digits only"),
    };

    /// <summary>A whole-number flag in [MIN, MAX] with a default.</summary>
    public static Option<int> WholeNumber(string name, string description, int min, int max, int fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => ParseWhole(r, name, min, max) ?? default,
    };

    /// <summary>An optional whole-number flag in [MIN, MAX].</summary>
    public static Option<int?> OptionalWholeNumber(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        CustomParser = r => ParseWhole(r, name, min, max),
    };

    /// <summary>A --time-budget: seconds, a positive finite decimal number (e.g. 30 or 0.5).</summary>
    public static Option<double?> TimeBudget(string description) => new("--time-budget")
    {
        Description = description,
        CustomParser = r =>
        {
            var text = Single(r);
            if (text is null)
                return null;
            if (text.Length == 0 || text.Length > 32 || !IsDecimal(text)
                || !double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s)
                || !double.IsFinite(s) || s <= 0 || s > MaxSeconds)
                return Fail<double?>(r, "--time-budget", $"expected a number of seconds greater than 0 and at most {MaxSeconds:0}, written as digits with an optional decimal point (e.g. 30 or 0.5)");
            return s;
        },
    };

    private static int? ParseWhole(ArgumentResult r, string name, int min, int max)
    {
        var text = Digits(r);
        if (text is not null && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
            return (int)v;
        if (text is not null && text.Length > 0 && text.All(char.IsAsciiDigit))
            return Fail<int?>(r, name, $"must be between {min} and {max}");
        return Fail<int?>(r, name, $"expected a whole number from {min} to {max}, written with digits only");
    }

    /// <summary>The flag's one token when it is made of ASCII digits only; null otherwise.</summary>
    private static string? Digits(ArgumentResult r)
    {
        var text = Single(r);
        return text is { Length: > 0 and <= 20 } && text.All(char.IsAsciiDigit) ? text : null;
    }

    private static string? Single(ArgumentResult r) => r.Tokens.Count == 0 ? null : r.Tokens[^1].Value;

    private static bool IsDecimal(string text)
    {
        int dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "1" : text[(dot + 1)..];
        return whole.Length > 0 && whole.All(char.IsAsciiDigit) && fraction.Length > 0 && fraction.All(char.IsAsciiDigit);
    }

    private static T Fail<T>(ArgumentResult r, string name, string why)
    {
        r.AddError($"{name} '{Single(r)}': {why}");
        return default!;
    }
}
