using System.Collections.Immutable;
using Checker.Model.Import.Hardware;

namespace Checker.Model.Import;

/// <summary>
/// The PCI tree of a listing that has no `lspci -t`: from `-PP` paths, else from the bridges'
/// `Bus: primary= secondary= subordinate=` lines, else inferred from the bus numbers. Linux (and
/// the firmware before it) numbers buses depth first (pci_scan_bridge): a bridge's secondary bus
/// is the next number after everything numbered before it, and its subtree takes the numbers up to
/// its subordinate. Every inference is a guess.
/// </summary>
public static class TreeInference
{
    /// <summary>The tree of LISTING; NAMES, where given, maps a listing without -nn back to IDs for bridge-presence.tsv.</summary>
    public static LspciTree FromListing(ImmutableDictionary<Bdf, VerboseDevice> listing, List<Guess> guesses, PciIdsDatabase? names = null)
    {
        var devices = listing.Values.OrderBy(d => d.Address.Domain).ThenBy(d => d.Address.Bus).ThenBy(d => d.Address.Devfn).ToList();
        var secondary = new Dictionary<Bdf, int>();
        var subordinate = new Dictionary<Bdf, int>();
        var owner = new Dictionary<(int Domain, int Bus), Bdf>();
        // -PP paths name each function's bridge; a bridge's bus line names its buses.
        foreach (var d in devices)
        {
            if (!d.Path.IsEmpty)
            {
                secondary[d.Path[^1]] = d.Address.Bus;
                owner[(d.Address.Domain, d.Address.Bus)] = d.Path[^1];
            }
            if (d.Bus is { } b && b.Primary == d.Address.Bus && b.Secondary > d.Address.Bus)
            {
                secondary.TryAdd(d.Address, b.Secondary);
                subordinate[d.Address] = b.Subordinate;
                owner.TryAdd((d.Address.Domain, b.Secondary), d.Address);
            }
        }
        bool pathsGiven = devices.Any(d => !d.Path.IsEmpty);
        bool busLinesComplete = devices.Where(d => d.IsBridge).All(d => secondary.ContainsKey(d.Address));

        var buses = devices.Select(d => (d.Address.Domain, d.Address.Bus)).Distinct().ToList();
        var roots = new SortedSet<(int Domain, int Bus)>();
        foreach (var domain in buses.GroupBy(b => b.Domain))
        {
            roots.Add(domain.Min());
            // Functions of the host bridge class sit on root buses (x86 servers have several per domain).
            foreach (var bus in domain.Where(bus => !owner.ContainsKey(bus) && devices.Any(d => (d.Address.Domain, d.Address.Bus) == bus && IsHostBridge(d))))
                roots.Add(bus);
        }
        if (pathsGiven || busLinesComplete)
            foreach (var bus in buses.Where(b => !owner.ContainsKey(b)))
                roots.Add(bus);

        var unowned = new SortedSet<(int Domain, int Bus)>(buses.Where(b => !owner.ContainsKey(b) && !roots.Contains(b)));
        var done = new HashSet<(int, int)>();
        var order = new List<(int Domain, int Bus)>();
        while (true)
        {
            var pending = roots.Where(r => !done.Contains(r)).ToList();
            if (pending.Count == 0)
            {
                if (unowned.Count == 0)
                    break;
                var orphan = unowned.Min;
                unowned.Remove(orphan);
                roots.Add(orphan);
                guesses.Add(new Guess(GuessSubject.Machine, $"bus {orphan.Domain:x4}:{orphan.Bus:x2} taken as a root bus: no bridge numbered before it is left to own it"));
                continue;
            }
            var next = pending[0];
            done.Add(next);
            order.Add(next);
            var presence = BridgePresence.Default;
            bool ListedOnlyWithLink(VerboseDevice d) => presence.ListedOnlyWithLink(WithIds(d, names));
            var plan = DepthFirstNumbering.Best(next, devices, secondary, subordinate, unowned, roots, ListedOnlyWithLink);
            var bare = DepthFirstNumbering.Best(next, devices, secondary, subordinate, unowned, roots);
            if (!bare.Taken.SequenceEqual(plan.Taken))
            {
                // Only the table decided between readings the bus numbers allow: say which bridges it kept from being empty.
                var emptyThen = bare.Empty.Select(e => e.Bridge).Where(b => ListedOnlyWithLink(listing[b])).ToList();
                if (emptyThen.Count > 0)
                    guesses.Add(new Guess(GuessSubject.Machine, $"below bus {next.Bus:x2} the bus numbers also fit a reading that leaves "
                        + string.Join(", ", emptyThen.Select(b => $"{b} ({ChipName(WithIds(listing[b], names), presence)})")) + " empty; it is not taken: "
                        + "the firmware lists that chip only with a link behind it (bridge-presence.tsv)"));
            }
            foreach (var (bridge, bus, gap) in plan.Taken)
            {
                var key = (bridge.Domain, bus);
                unowned.Remove(key);
                secondary[bridge] = bus;
                owner[key] = bridge;
                guesses.Add(new Guess(GuessSubject.Device(bridge.ToString()), gap
                    ? $"its secondary bus {bus:x2} is inferred from the bus numbers (numbered depth first; the numbers before it are taken "
                        + "as reserved or empty; no -t, -PP or Bus: line)"
                    : $"its secondary bus {bus:x2} is inferred from the bus numbers (numbered depth first; no -t, -PP or Bus: line)"));
            }
            foreach (var (bridge, bus) in plan.Empty)
                guesses.Add(new Guess(GuessSubject.Device(bridge.ToString()), $"nothing found below this bridge: depth-first numbering "
                    + $"gives it bus {bus:x2}, on which the dump has no function (an empty slot or port; no -t, -PP or Bus: line)"));
            if (plan.Truncated)
                guesses.Add(new Guess(GuessSubject.Machine, $"the bus numbering below bus {next.Bus:x2} has too many readings to try them all: "
                    + "the first found that fits best is used"));
        }

        var hostBridges = order.OrderBy(r => r.Domain).ThenBy(r => r.Bus)
            .Select(r => new TreeHostBridge(r.Domain, r.Bus, 0)).ToImmutableArray();
        var tree = devices.Select(d => new TreeDevice(d.Address,
            owner.TryGetValue((d.Address.Domain, d.Address.Bus), out var parent) ? parent : null,
            secondary.TryGetValue(d.Address, out var sec) ? sec : null, d.Description, d.Line, d.IsBridge)).ToImmutableArray();
        return new LspciTree(hostBridges, tree);
    }

    /// <summary>D with the IDs pci.ids gives its printed name, where the listing has none (no -nn).</summary>
    private static VerboseDevice WithIds(VerboseDevice d, PciIdsDatabase? names) =>
        d.Device is null && names?.Lookup(d.Description) is (int vendor, int device) ? d with { Vendor = vendor, Device = device } : d;

    private static string ChipName(VerboseDevice d, BridgePresence presence) =>
        presence.Lookup((ushort)d.Vendor!.Value, (ushort)d.Device!.Value) is { } row ? $"{d.Vendor:x4}:{d.Device:x4} {row.Name}" : $"{d.Vendor:x4}:{d.Device:x4}";

    /// <summary>A host bridge function (class 0600), which sits on a root bus.</summary>
    public static bool IsHostBridge(VerboseDevice d) => d.ClassCode >> 8 == 0x0600 || d.ClassName == "Host bridge";
}
