namespace Checker.Properties.Verdicts;

/// <summary>
/// What a run showed, the same four kinds for every command (check, explore, matrix, replay):
/// a counterexample; passed, only when the whole space within the bound (or every ordering asked
/// for) was tried; incomplete, when a time budget, a depth bound or Ctrl-C stopped it first;
/// vacuous, when the property had nothing to compare on the machine (no device behind a
/// registered IOMMU, say), so passing it shows nothing.
/// </summary>
public enum VerdictKind { Counterexample, Passed, Incomplete, Vacuous }

/// <summary>A verdict with the words that say why (for incomplete: how far the run got).</summary>
public sealed record Verdict(VerdictKind Kind, string Reason)
{
    public static Verdict Counterexample(string reason) => new(VerdictKind.Counterexample, reason);
    public static Verdict Passed(string reason) => new(VerdictKind.Passed, reason);
    public static Verdict Incomplete(string reason) => new(VerdictKind.Incomplete, reason);
    public static Verdict Vacuous(string reason) => new(VerdictKind.Vacuous, reason);

    /// <summary>The word JSON, JUnit and text use: `counterexample`, `passed`, `incomplete`, `vacuous`.</summary>
    public string Word => Kind.Word();
}

public static class VerdictKinds
{
    public static string Word(this VerdictKind kind) => kind switch
    {
        VerdictKind.Counterexample => "counterexample",
        VerdictKind.Passed => "passed",
        VerdictKind.Incomplete => "incomplete",
        VerdictKind.Vacuous => "vacuous",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// The verdict of several properties together: any counterexample wins, then incomplete, then
    /// passed; vacuous only when every property was vacuous.
    /// </summary>
    public static VerdictKind Combine(IEnumerable<VerdictKind> kinds)
    {
        var all = kinds.ToList();
        if (all.Contains(VerdictKind.Counterexample)) return VerdictKind.Counterexample;
        if (all.Contains(VerdictKind.Incomplete)) return VerdictKind.Incomplete;
        if (all.Count > 0 && all.All(k => k == VerdictKind.Vacuous)) return VerdictKind.Vacuous;
        return VerdictKind.Passed;
    }
}
