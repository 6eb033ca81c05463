using System.Collections.Immutable;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>Derives the drivers: the base scenario's, then those `lspci -vvv` or dmesg show bound to PCI functions.</summary>
public static class DriverImport
{
    public static ImmutableArray<DriverSpec> Drivers(ImportInputs input, ImmutableArray<DeviceSpec> devices, Dictionary<string, int> byName, bool smmus, List<Guess> guesses)
    {
        var driverOf = new Dictionary<string, string>();
        foreach (var s in input.Dmesg?.Drivers ?? [])
            if (byName.ContainsKey(s.Device))
                driverOf.TryAdd(s.Device, s.Driver);
        foreach (var v in input.Verbose?.Values ?? [])
            if (v.Driver is not null && byName.ContainsKey(v.Address.ToString()))
                driverOf[v.Address.ToString()] = v.Driver;
        // The PF driver binds its VFs too (mlx5_core, ixgbevf aside): a VF present only in later dumps has no line of its own.
        foreach (var d in devices.Where(d => d.Pci?.PhysFn is not null && !driverOf.ContainsKey(d.Name)))
            if (driverOf.TryGetValue(devices[d.Pci!.PhysFn!.Value].Name, out var pfDriver))
                driverOf[d.Name] = pfDriver;

        // Without a base every function gets a driver: the one lspci or dmesg shows, else one per class.
        var generic = new HashSet<string>();
        if (input.Base is null)
            foreach (var d in devices.Where(d => d.Pci is not null && !driverOf.ContainsKey(d.Name)))
            {
                var name = GenericDriver(d, input.Verbose?.GetValueOrDefault(Bdf.TryParse(d.Name)!.Value));
                driverOf[d.Name] = name;
                generic.Add(name);
            }

        var result = new List<(string Name, BusKind Bus, List<int> Matches, DriverSpec? Base, long Seen)>();
        if (smmus)
        {
            result.Add((IommuUnits.SmmuDriver, BusKind.Platform, [.. devices.Where(d => d.Bus == BusKind.Platform && d.Name.StartsWith("arm-smmu-v3.", StringComparison.Ordinal)).Select(d => d.Index)], null, -2));
            guesses.Add(new Guess(GuessSubject.Driver(IommuUnits.SmmuDriver), "built in, first in link order: the SMMUs register before any PCI driver probes, "
                + "so groups form parents first as on a normal boot (a real link order of pcieport, arm-smmu-v3, mlx5_core splits them: the D05 bug)"));
        }
        foreach (var d in input.Base?.Drivers ?? [])
        {
            var matches = d.Matches.Select(i => input.Base!.Devices[i].Name)
                .Where(n => byName.ContainsKey(n) && (!driverOf.TryGetValue(n, out var other) || other == d.Name))
                .Select(n => byName[n]).ToList();
            result.Add((d.Name, d.Bus, matches, d, 0));
        }
        var firstSeen = (input.Dmesg?.Drivers ?? []).GroupBy(s => s.Driver).ToDictionary(g => g.Key, g => g.Min(s => s.Micros));
        foreach (var (dev, drv) in driverOf.OrderBy(kv => byName[kv.Key]))
        {
            int at = result.FindIndex(r => r.Name == drv);
            if (at < 0)
            {
                long seen = drv == "pcieport" && input.Base is null ? -1 : generic.Contains(drv) ? long.MaxValue : firstSeen.GetValueOrDefault(drv, long.MaxValue - 1);
                result.Add((drv, BusKind.Pci, [], null, seen));
                at = result.Count - 1;
            }
            if (!result[at].Matches.Contains(byName[dev]))
                result[at].Matches.Add(byName[dev]);
        }
        var known = result.Where(r => r.Base is not null).ToList();
        var added = result.Where(r => r.Base is null).OrderBy(r => r.Seen).ThenBy(r => r.Matches.Count == 0 ? int.MaxValue : r.Matches.Min()).ToList();
        foreach (var r in added.Where(r => r.Name != IommuUnits.SmmuDriver))
            guesses.Add(new Guess(GuessSubject.Driver(r.Name), r.Seen == -1
                ? "built in, first of the PCI drivers: ports probe before what is below them, as on a normal boot"
                : generic.Contains(r.Name) ? "a generic driver for the functions of its class that show no 'Kernel driver in use' (built in, placed last)"
                : r.Seen >= long.MaxValue - 1 ? "built in; link order unknown (not in dmesg): placed after those dmesg shows"
                : "built in; link order guessed from its first dmesg line"));
        return [.. known.Concat(added).Select((r, i) => new DriverSpec(i, r.Name, r.Bus, [.. r.Matches.Order()],
            r.Base?.Arrival ?? new DriverArrival(true, InitcallLevel.Device, int.MaxValue) with { LinkOrder = i },
            r.Base?.Probe ?? ProbeBehaviour.Succeeds, r.Base?.ArmIommuAttach ?? false, SourceLine.None))];
    }

    /// <summary>
    /// The driver a function without `Kernel driver in use` gets: pcieport for PCIe ports (the
    /// kernel's portdrv binds every root, upstream and downstream port), else one named after its
    /// class (`generic-ethernet-controller`), or `generic-pci` when the dump gives no class.
    /// </summary>
    private static string GenericDriver(DeviceSpec d, VerboseDevice? v)
    {
        if (d.Pci!.Type is PcieType.RootPort or PcieType.DownstreamPort or PcieType.UpstreamPort)
            return "pcieport";
        var cls = v?.ClassName;
        if (string.IsNullOrWhiteSpace(cls))
            return "generic-pci";
        var kebab = new string([.. cls.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        while (kebab.Contains("--", StringComparison.Ordinal))
            kebab = kebab.Replace("--", "-", StringComparison.Ordinal);
        return "generic-" + kebab;
    }
}
