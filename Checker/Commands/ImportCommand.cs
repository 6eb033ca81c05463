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
        var lspci = new Option<string[]>("--lspci", "--lspci-tree", "--lspci-verbose")
        {
            Description = "lspci output in any common form (-tv, -tvnn, -vvv, -v, -nnk, -PP, plain; pasted with prompts, quoting, wrapping); repeatable",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var dmesg = new Option<string?>("--dmesg") { Description = "dmesg output (dmesg, dmesg -T, journalctl -k): drivers seen, their order, SR-IOV time, kernel version" };
        var groups = new Option<string?>("--iommu-groups") { Description = "/sys/kernel/iommu_groups as `find`, `ls -l` or an `IOMMU Group N` listing (checked against the devices)" };
        var firmware = new Option<string?>("--firmware") { Description = "Firmware of the host bridges: acpi|dt" };
        var arch = new Option<string?>("--arch") { Description = "Kernel architecture: arm64|arm|x86 (default: inferred from the host bridges)" };
        var kernel = new Option<string?>("--kernel") { Description = "Kernel version to write: " + string.Join(" or ", KernelEras.All.Select(e => e.Version)) + " (default: the version dmesg's 'Linux version' or a boot image in the lspci text names, 5.3 rules before v5.8 and 6.15 from v5.8 on; with none, 6.15: docs/import.md)" };
        var baseScenario = new Option<string?>("--base") { Description = "Scenario giving what dumps cannot: IOMMU instances, platform devices, link order, script" };
        var output = new Option<string>("--output", "-o") { Description = "Scenario file to write (atomically)", Required = true };
        var command = new Command("import",
            "Build a scenario from dumps of a real machine. Lines that cannot be understood are errors (exit 2, file:line); "
            + "guesses are written as YAML comments and listed on stderr. scripts/collect-machine.sh gathers the dumps.\n"
            + "Example: checker import --lspci lspci-tree.txt --lspci lspci-verbose.txt --dmesg dmesg.txt -o my-machine.yaml\n" + Cli.ExitCodesHelp)
        {
            lspci, dmesg, groups, firmware, arch, kernel, baseScenario, output,
        };
        command.SetAction(parse =>
        {
            var outPath = parse.GetValue(output)!;
            var outputs = new Output.OutputPlan();
            var file = outputs.File("--output", outPath);
            var lspciPaths = parse.GetValue(lspci) ?? [];
            var basePath = parse.GetValue(baseScenario);
            if (lspciPaths.Length == 0 && basePath is null)
                throw new UsageException("import: give --lspci FILE (or --base for the PCI tree)");
            var kernelWord = parse.GetValue(kernel);
            KernelEra? era = kernelWord is null ? null
                : KernelEras.Parse(kernelWord) ?? throw new UsageException($"--kernel {kernelWord}: {KernelEras.UnknownMessage(kernelWord)}");
            var names = SystemPciIds();
            var dump = lspciPaths.Length == 0 ? null : DumpFiles.ParseAll(lspciPaths, files => LspciDump.Read(files, names));
            var input = ImportInputs.FromLspci(
                Path.GetFileNameWithoutExtension(outPath),
                dump,
                parse.GetValue(dmesg) is { } d ? DumpFiles.Parse(d, DmesgLog.Parse) : null,
                parse.GetValue(groups) is { } g ? DumpFiles.Parse(g, IommuGroupsListing.Parse) : null,
                basePath is null ? null : CommonOptions.LoadScenario(basePath, null)) with
            {
                Arch = Choice(parse.GetValue(arch), "--arch", [("arm64", Arch.Arm64), ("arm", Arch.Arm), ("x86", Arch.X86)]),
                Firmware = Choice(parse.GetValue(firmware), "--firmware", [("acpi", Firmware.Acpi), ("dt", Firmware.Dt)]),
                Kernel = era,
                Names = names,
            };
            var result = MachineImporter.Import(input);
            var guesses = result.Guesses.Concat(UnknownGroupMembers(input, result.Machine)).ToList();
            var text = ScenarioWriter.Write(result.Machine, guesses.ToLookup(x => x.Subject, x => x.Text));
            // The file must load. Dumps that contradict each other (a function with children that
            // lspci calls an endpoint) make a machine the loader refuses: that is bad input, named
            // by the dumps it came from, and nothing is written.
            try
            {
                ScenarioLoader.Load(outPath, text);
            }
            catch (ScenarioException e)
            {
                var sources = string.Join(", ", lspciPaths.Concat(basePath is null ? [] : [basePath]));
                throw new UsageException($"{sources}: the dumps describe a machine that cannot be loaded: {e.Error.Field}: {e.Error.Message} (nothing written to {outPath})");
            }
            outputs.Set(file, text);
            outputs.Commit(stdout);
            foreach (var guess in guesses)
                stderr.WriteLine($"checker: import: guess: {guess}");
            stdout.WriteLine($"checker: wrote {outPath}: {result.Machine.Devices.Length} devices, {result.Machine.Drivers.Length} drivers, {guesses.Count} guesses");
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>
    /// The system's pci.ids (as lspci reads it), to map names back to IDs for dumps without -nn,
    /// then the subset bundled with the tool (the vendors and devices the kernel quirks and
    /// hardware facts name, with the names they had in earlier pci.ids versions) for the names the
    /// system's does not have: a dump prints the names of its own machine's pci.ids, which may be
    /// older or newer.
    /// </summary>
    private static PciIdsDatabase SystemPciIds()
    {
        foreach (var path in new[] { "/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids" })
            if (File.Exists(path))
                return PciIdsDatabase.Parse(File.ReadAllText(path)).Then(PciIdsDatabase.Bundled());
        return PciIdsDatabase.Bundled();
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
