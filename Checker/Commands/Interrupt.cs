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

    private static Interrupt? _current;

    /// <summary>The token of the listener <see cref="Cli.Run"/> started (none outside it).</summary>
    public static CancellationToken Current => _current?.Token ?? CancellationToken.None;

    /// <summary>Listens until disposed; <see cref="Current"/> is its token meanwhile.</summary>
    public static Interrupt Listen()
    {
        var listener = new Interrupt();
        _current = listener;
        return listener;
    }

    public void Dispose()
    {
        Interlocked.CompareExchange(ref _current, null, this);
        foreach (var r in _registrations)
            r.Dispose();
        _cancel.Dispose();
    }
}
