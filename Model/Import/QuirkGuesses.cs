using Checker.Model.State;
using Checker.Model.Topology.Quirks;

namespace Checker.Model.Import;

/// <summary>The kernel quirks (docs/quirks.md) an imported machine's dumps could not decide, as guesses on each function.</summary>
public static class QuirkGuesses
{
    public static IEnumerable<Guess> Undecided(Machine m)
    {
        foreach (var d in m.Devices.Where(d => d.Pci is not null))
        {
            var functions = PciQuirks.Undecided(m, d.Index, m.Variants.Era);
            if (functions.IsEmpty)
                continue;
            var ids = d.Pci!.Ids;
            var why = ids?.Vendor is null || ids.Device is null
                ? "vendor/device IDs unknown (lspci without -nn and no pci.ids entry): could not be decided: "
                : "could not be decided from the dump (";
            var text = ids?.Vendor is null || ids.Device is null
                ? why + string.Join(", ", functions)
                : why + string.Join(", ", functions.Select(Need)) + ")";
            yield return new Guess(GuessSubject.Device(d.Name), "kernel quirks " + text);
        }
    }

    private static string Need(string function) => function switch
    {
        "pci_quirk_intel_spt_pch_acs" => "pci_quirk_intel_spt_pch_acs needs the ACS capability, which the dump does not list: assumed present, as on every port of its list",
        "quirk_fixed_dma_alias" => "quirk_fixed_dma_alias matches subsystem IDs, which lspci -nn does not print: no alias",
        _ => function,
    };
}
