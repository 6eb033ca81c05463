using System.Diagnostics;
using System.Text.Json;

namespace Checker.Model.Tests.Cli;

/// <summary>Ctrl-C ends a run after the batch under way and still writes what was done, with the verdict incomplete.</summary>
public class InterruptTests
{
    [Fact]
    public async Task Sigint_during_explore_writes_the_json_and_junit_of_what_was_done_and_exits_4()
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
                "--variant", "groups=per-instance", "--no-decompose", "--json", json, "--junit", junit })
                start.ArgumentList.Add(arg);
            using var p = Process.Start(start)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await Task.Delay(6000);
            using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(timeout.Token);
            string output = await stdout, errors = await stderr;
            Assert.True(p.ExitCode == 4, $"exit {p.ExitCode}: {output}{errors}");
            Assert.Contains("checker: incomplete: interrupted (Ctrl-C)", output);
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
