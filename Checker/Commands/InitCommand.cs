using System.CommandLine;
using Checker.Cli.Rendering;

namespace Checker.Cli.Commands;

/// <summary>`checker init --arch arm64|x86 -o FILE`: write a commented starting scenario that loads and boots.</summary>
public static class InitCommand
{
    public static Command Create(TextWriter stdout)
    {
        var arch = new Option<string>("--arch") { Description = "arm64 or x86", Required = true };
        arch.AcceptOnlyFromAmong([.. ScenarioTemplates.Arches]);
        var output = new Option<string>("-o", "--output") { Description = "The scenario file to write (it must not exist yet)", Required = true };
        var command = new Command("init",
            "Write a commented starting scenario for an arm64 or x86 machine, ready to boot and check.\n"
            + "Example: checker init --arch arm64 -o my-board.yaml")
        {
            arch, output,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            if (File.Exists(path) || Directory.Exists(path))
                throw new UsageException($"{path}: already exists; init writes only a new file");
            AtomicFile.Write(path, ScenarioTemplates.For(parse.GetValue(arch)!));
            stdout.WriteLine($"checker: wrote {path}; try: checker boot {path}");
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
