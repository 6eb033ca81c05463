using System.Runtime.InteropServices;

namespace Checker.Cli.Commands;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM while a long command runs: the first one cancels the token, so
/// the run ends after the batch under way and still writes its JSON, JUnit and corpus and prints
/// its summary (verdict `incomplete`); a second Ctrl-C ends the process as usual.
/// </summary>
public sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    private Interrupt()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (_cancel.IsCancellationRequested)
                    return;
                context.Cancel = true;
                _cancel.Cancel();
            }));
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>Listens until disposed.</summary>
    public static Interrupt Listen() => new();

    public void Dispose()
    {
        foreach (var r in _registrations)
            r.Dispose();
        _cancel.Dispose();
    }
}
