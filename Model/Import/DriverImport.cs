using System.Collections.Immutable;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>Derives the drivers: the base scenario's, then those `lspci -vvv` or dmesg show bound to PCI functions.</summary>
public static class DriverImport
{
    public static ImmutableArray<DriverSpec> Drivers(ImportInputs input, ImmutableArray<DeviceSpec> devices, Dictionary<string, int> byName, List<Guess> guesses)
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

        var result = new List<(string Name, BusKind Bus, List<int> Matches, DriverSpec? Base, long Seen)>();
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
                result.Add((drv, BusKind.Pci, [], null, firstSeen.GetValueOrDefault(drv, long.MaxValue)));
                at = result.Count - 1;
            }
            if (!result[at].Matches.Contains(byName[dev]))
                result[at].Matches.Add(byName[dev]);
        }
        var known = result.Where(r => r.Base is not null).ToList();
        var added = result.Where(r => r.Base is null).OrderBy(r => r.Seen).ToList();
        foreach (var r in added)
            guesses.Add(new Guess(GuessSubject.Driver(r.Name), r.Seen == long.MaxValue
                ? "built in; link order unknown (not in dmesg): placed last"
                : "built in; link order guessed from its first dmesg line"));
        return [.. known.Concat(added).Select((r, i) => new DriverSpec(i, r.Name, r.Bus, [.. r.Matches.Order()],
            r.Base?.Arrival ?? new DriverArrival(true, InitcallLevel.Device, int.MaxValue) with { LinkOrder = i },
            r.Base?.Probe ?? ProbeBehaviour.Succeeds, r.Base?.ArmIommuAttach ?? false, SourceLine.None))];
    }
}
