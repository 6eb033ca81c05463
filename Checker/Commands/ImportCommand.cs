using System.CommandLine;
using Checker.Model.Import;
using Checker.Model.Scenario;
using Checker.Model.State;

namespace Checker.Cli.Commands;

/// <summary>`checker import`: build a scenario from lspci, dmesg and iommu_groups dumps of a real machine.</summary>
public static class ImportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var tree = new Option<string?>("--lspci-tree") { Description = "`lspci -tv` output: domains, buses, bridges, functions" };
        var verbose = new Option<string?>("--lspci-verbose") { Description = "`lspci -vvv` output: PCIe types, ACS, drivers in use, SR-IOV" };
        var dmesg = new Option<string?>("--dmesg") { Description = "dmesg output: drivers seen, their order, SR-IOV time" };
        var groups = new Option<string?>("--iommu-groups") { Description = "`find /sys/kernel/iommu_groups/ -type l` output (checked against the devices)" };
        var firmware = new Option<string?>("--firmware") { Description = "Firmware of the host bridges: acpi|dt" };
        var arch = new Option<string?>("--arch") { Description = "Kernel architecture: arm64|arm|x86" };
        var baseScenario = new Option<string?>("--base") { Description = "Scenario giving what dumps cannot: IOMMU instances, platform devices, link order, script" };
        var output = new Option<string>("--output", "-o") { Description = "Scenario file to write (atomically)", Required = true };
        var command = new Command("import",
            "Build a scenario from dumps of a real machine. Lines that cannot be understood are errors (exit 2, file:line); "
            + "guesses are written as YAML comments and listed on stderr.\n" + Cli.ExitCodesHelp)
        {
            tree, verbose, dmesg, groups, firmware, arch, baseScenario, output,
        };
        command.SetAction(parse =>
        {
            var outPath = parse.GetValue(output)!;
            var outputs = new Output.OutputPlan();
            var file = outputs.File("--output", outPath);
            var treePath = parse.GetValue(tree);
            var basePath = parse.GetValue(baseScenario);
            if (treePath is null && basePath is null)
                throw new UsageException("import: give --lspci-tree (or --base for the PCI tree)");
            var input = new ImportInputs(
                Path.GetFileNameWithoutExtension(outPath),
                Choice(parse.GetValue(arch), "--arch", [("arm64", Arch.Arm64), ("arm", Arch.Arm), ("x86", Arch.X86)]),
                Choice(parse.GetValue(firmware), "--firmware", [("acpi", Firmware.Acpi), ("dt", Firmware.Dt)]),
                treePath is null ? null : DumpFiles.Parse(treePath, LspciTree.Parse),
                parse.GetValue(verbose) is { } v ? DumpFiles.Parse(v, LspciVerbose.Parse) : null,
                parse.GetValue(dmesg) is { } d ? DumpFiles.Parse(d, DmesgLog.Parse) : null,
                parse.GetValue(groups) is { } g ? DumpFiles.Parse(g, IommuGroupsListing.Parse) : null,
                basePath is null ? null : CommonOptions.LoadScenario(basePath, null));
            var result = MachineImporter.Import(input);
            var guesses = result.Guesses.Concat(UnknownGroupMembers(input, result.Machine)).ToList();
            var text = ScenarioWriter.Write(result.Machine, guesses.ToLookup(x => x.Subject, x => x.Text));
            // The file must load: a failure here is the importer's bug, not the user's input.
            ScenarioLoader.Load(outPath, text);
            outputs.Set(file, text);
            outputs.Commit(stdout);
            foreach (var guess in guesses)
                stderr.WriteLine($"checker: import: guess: {guess}");
            stdout.WriteLine($"checker: wrote {outPath}: {result.Machine.Devices.Length} devices, {result.Machine.Drivers.Length} drivers, {guesses.Count} guesses");
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static IEnumerable<Guess> UnknownGroupMembers(ImportInputs input, Machine m) =>
        (input.Groups?.Values.SelectMany(g => g) ?? [])
            .Concat(input.Dmesg?.GroupLines.Select(l => l.Device) ?? [])
            .Distinct().Where(n => m.DeviceIndex(n) < 0)
            .Select(n => new Guess(GuessSubject.Machine, $"{n} is in an IOMMU group on the real machine but not imported (not in lspci or the base)"));

    private static T? Choice<T>(string? word, string flag, (string Word, T Value)[] choices) where T : struct
    {
        if (word is null)
            return null;
        foreach (var (w, value) in choices)
            if (w == word)
                return value;
        throw new UsageException($"{flag} {word}: expected one of {string.Join("|", choices.Select(c => c.Word))}");
    }
}
