using System.Diagnostics;
using System.Text.Json;

namespace Checker.Model.Tests.Cli;

/// <summary>Ctrl-C ends a run after the batch under way and still writes what was done, with the verdict incomplete.</summary>
public class InterruptTests
{
    [Fact]
    public void Sigint_during_explore_writes_the_json_and_junit_of_what_was_done_and_exits_4()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        var dir = Path.Combine(Path.GetTempPath(), "checker-interrupt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var json = Path.Combine(dir, "out.json");
            var junit = Path.Combine(dir, "out.xml");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { typeof(Checker.Cli.Cli).Assembly.Location, "explore", ScenarioFiles.Path("hisilicon-d05-builtin"),
                "--variant", "groups=per-instance", "--json", json, "--junit", junit })
                start.ArgumentList.Add(arg);
            using var p = Process.Start(start)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Thread.Sleep(6000);
            using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            Assert.True(p.WaitForExit(60_000), "explore did not stop after SIGINT");
            Assert.True(p.ExitCode == 4, $"exit {p.ExitCode}: {stdout.Result}{stderr.Result}");
            Assert.Contains("checker: incomplete: interrupted (Ctrl-C)", stdout.Result);
            var doc = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
            Assert.Equal("incomplete", doc.GetProperty("verdict").GetString());
            Assert.Contains("interrupted (Ctrl-C)", doc.GetProperty("reason").GetString());
            Assert.Contains("interrupted (Ctrl-C)", File.ReadAllText(junit));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
