namespace Checker.Cli;

/// <summary>The exit codes of every command (documented in --help and README).</summary>
public enum ExitCode
{
    /// <summary>Everything held: no invariant broken, or the models agree.</summary>
    Ok = 0,
    /// <summary>A counterexample was found (or a replayed one still fails, or validation disagrees).</summary>
    Counterexample = 1,
    /// <summary>Bad input: malformed scenario, unknown device, bad flag. Nothing was written.</summary>
    BadInput = 2,
    /// <summary>The checker itself failed.</summary>
    InternalError = 3,
    /// <summary>No counterexample, but the run was stopped (time budget, depth bound, Ctrl-C) before it tried everything asked.</summary>
    Incomplete = 4,
}

/// <summary>Bad input found while preparing a command: reported on stderr with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The exit code a run's verdict gives.</summary>
public static class ExitCodes
{
    /// <summary>counterexample 1, incomplete 4, passed and vacuous 0 (nothing broken; a vacuous verdict says it shows nothing).</summary>
    public static int Of(Properties.Verdicts.VerdictKind kind) => (int)(kind switch
    {
        Properties.Verdicts.VerdictKind.Counterexample => ExitCode.Counterexample,
        Properties.Verdicts.VerdictKind.Incomplete => ExitCode.Incomplete,
        _ => ExitCode.Ok,
    });
}
