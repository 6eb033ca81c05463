using System.ComponentModel;
using System.Diagnostics;
using Checker.Cli.Commands;

namespace Checker.Cli.Rendering;

/// <summary>Renders DOT to SVG with Graphviz's `dot` program, when it is installed.</summary>
public static class Graphviz
{
    public const string Missing = "graph --format svg needs Graphviz's `dot` on PATH (apt-get install graphviz); or write --format dot";

    public static string Svg(string dotText, string executable = "dot")
    {
        var start = new ProcessStartInfo(executable, "-Tsvg")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new UsageException(Missing);
        }
        catch (Win32Exception)
        {
            throw new UsageException(Missing);
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            process.StandardInput.Write(dotText);
            process.StandardInput.Close();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"dot -Tsvg failed ({process.ExitCode}): {error.Result}");
            return output.Result;
        }
    }
}
