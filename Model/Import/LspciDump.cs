using System.Collections.Immutable;

namespace Checker.Model.Import;

/// <summary>The lspci forms the detector tells apart.</summary>
public enum LspciForm
{
    /// <summary>`lspci -t`, `-tv`, `-tvnn`: tree art.</summary>
    Tree,
    /// <summary>Device lines with or without fields: `lspci`, `-nn`, `-k`, `-v`..`-vvv`, `-PP`, an `IOMMU Group N` listing.</summary>
    Listing,
}

/// <summary>
/// Everything one or more `--lspci` files tell: the tree (read, or built from the listing), the
/// listing's facts per function, the IOMMU groups the listing names, and what the dumps lack.
/// </summary>
public sealed record LspciDump(
    LspciTree Tree,
    ImmutableDictionary<Bdf, VerboseDevice>? Listing,
    ImmutableSortedDictionary<int, ImmutableArray<string>>? Groups,
    ImmutableArray<Guess> Guesses)
{
    /// <summary>The lines that show the kernel command line (`cat /proc/cmdline`, grub, Markdown prose), in file order.</summary>
    public ImmutableArray<CommandLineEvidence> KernelCommandLine { get; init; } = [];

    /// <summary>
    /// Detects the form of each section of each file and reads it; a section of no lspci form is an
    /// error naming its first line. NAMES (pci.ids) gives IDs to a listing without -nn where the tree
    /// is inferred from it.
    /// </summary>
    public static LspciDump Read(IReadOnlyList<(string File, string Text)> files, PciIdsDatabase? names = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        LspciTree? tree = null;
        string? treeFile = null;
        var listing = ImmutableDictionary.CreateBuilder<Bdf, VerboseDevice>();
        var commandLine = ImmutableArray.CreateBuilder<CommandLineEvidence>();
        foreach (var (file, text) in files)
        {
            var (sections, cmdline) = PastedText.Read(text);
            commandLine.AddRange(cmdline.Select(c => new CommandLineEvidence(file, c.Line, c.Text)));
            if (sections.IsEmpty)
                throw new ImportException(file, 1, "no lspci output in the file (it is empty, or holds only prompt lines)");
            foreach (var section in sections)
            {
                switch (Detect(file, section))
                {
                    case LspciForm.Tree:
                        if (tree is not null)
                            throw new ImportException(file, section.Lines[0].Line, $"a second `lspci -t` tree ({section.What}); the first is in {treeFile}");
                        tree = LspciTree.Parse(file, section);
                        treeFile = file;
                        break;
                    default:
                        foreach (var (bdf, dev) in LspciListing.Parse(file, section))
                            listing[bdf] = listing.TryGetValue(bdf, out var old) ? LspciListing.Merge(old, dev) : dev;
                        break;
                }
            }
        }
        var guesses = new List<Guess>();
        var facts = listing.Count > 0 ? listing.ToImmutable() : null;
        tree ??= TreeInference.FromListing(facts!, guesses, names);
        if (facts is not null)
            Limits(facts, guesses);
        return new LspciDump(tree, facts, GroupsOf(facts), [.. guesses]) { KernelCommandLine = commandLine.ToImmutable() };
    }

    /// <summary>The form of SECTION, from its first line; an error says what was expected and what was seen.</summary>
    public static LspciForm Detect(string file, DumpSection section)
    {
        var first = section.Lines[0];
        if (LspciTree.Starts(first.Text))
            return LspciForm.Tree;
        if (LspciListing.Starts(first.Text))
            return LspciForm.Listing;
        var hint = first.Text.StartsWith("Slot:", StringComparison.Ordinal)
            ? " (the -m/-vmm machine-readable form is not read: paste `lspci -vvv`, `lspci -nnk` or `lspci -tv` instead)" : "";
        throw new ImportException(file, first.Line,
            $"expected lspci output in {section.What}: a tree line like '-[0000:00]-+-00.0' (lspci -t, -tv) or a device line "
            + $"like '00:1f.0 ISA bridge: Intel ...' (lspci, -nn, -k, -v, -vvv, -PP); saw '{PastedText.Clip(first.Text)}'{hint}");
    }

    /// <summary>What the listing could not say, said once for the machine.</summary>
    private static void Limits(ImmutableDictionary<Bdf, VerboseDevice> facts, List<Guess> guesses)
    {
        var hidden = facts.Values.Where(d => d.CapabilitiesHidden).ToList();
        if (hidden.Count > 0)
            guesses.Add(new Guess(GuessSubject.Machine, $"lspci ran without root ('Capabilities: <access denied>' for {hidden.Count} functions, "
                + $"first at line {hidden.Min(d => d.Line)}): their PCIe types, ACS capabilities and SR-IOV are not in the dump and are guessed; "
                + "run `sudo lspci -vvv` for them"));
        else if (!facts.Values.Any(d => d.CapabilitiesShown))
            guesses.Add(new Guess(GuessSubject.Machine, "the listing has no capability lists (no -v): PCIe types, ACS and SR-IOV are guessed; `sudo lspci -vvv` has them"));
    }

    private static ImmutableSortedDictionary<int, ImmutableArray<string>>? GroupsOf(ImmutableDictionary<Bdf, VerboseDevice>? facts)
    {
        if (facts is null || !facts.Values.Any(d => d.IommuGroup is not null))
            return null;
        return facts.Values.Where(d => d.IommuGroup is not null).GroupBy(d => d.IommuGroup!.Value)
            .ToImmutableSortedDictionary(g => g.Key, g => g.OrderBy(d => d.Address.Bus).ThenBy(d => d.Address.Devfn).Select(d => d.Address.ToString()).ToImmutableArray());
    }
}
