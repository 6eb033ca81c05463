using System.Collections.Immutable;

namespace Checker.Model.Import;

/// <summary>
/// Which bridge owns which bus, from the bus numbers alone. Linux (pci_scan_bridge() in
/// drivers/pci/probe.c, and the firmware before it) numbers buses depth first: the bridges of a
/// bus, in devfn order, each take the next free number for their secondary bus, then their subtree
/// takes the numbers after it. A bridge with nothing behind it still consumes its number, and a
/// listing cannot show that bus; a hotplug bridge may reserve numbers (Thunderbolt), which makes a
/// gap. So at each bridge whose next number is not in the dump there are two readings: it is empty
/// (the number is consumed), or numbers were skipped and it owns the next bus the dump has. Of all
/// readings, the one that leaves the fewest buses without an owner, then leaves the fewest bridges
/// empty that the platform's firmware lists only with a link behind them (bridge-presence.tsv),
/// then makes the fewest gaps, is taken (on a tie, the earlier bridge owns the bus).
/// </summary>
public static class DepthFirstNumbering
{
    /// <summary>More readings than this and the best found so far is kept.</summary>
    public const int MaxSteps = 200_000;

    /// <summary>A reading: bridges given a bus (gap: numbers were skipped before it), bridges found empty (with the number they consumed).</summary>
    public sealed record Plan(
        ImmutableArray<(Bdf Bridge, int Bus, bool Gap)> Taken, ImmutableArray<(Bdf Bridge, int Bus)> Empty, int Orphans, int Gaps, bool Truncated)
    {
        /// <summary>Bridges of <see cref="Empty"/> that the firmware lists only with a link behind them.</summary>
        public int HiddenEmpty { get; init; }
    }

    private sealed record State(
        ImmutableStack<((int Domain, int Bus) Bus, int Index)> Frames, int Cursor,
        ImmutableList<(Bdf, int, bool)> Taken, ImmutableList<(Bdf, int)> Empty, ImmutableHashSet<int> Owned, int Gaps, int HiddenEmpty);

    /// <summary>
    /// The best reading below ROOT: SECONDARY and SUBORDINATE are known already (Bus: lines, -PP),
    /// UNOWNED the buses still without a bridge; LISTEDONLYWITHLINK, where given, says which bridges
    /// the firmware would not have listed with nothing behind them.
    /// </summary>
    public static Plan Best(
        (int Domain, int Bus) root, IReadOnlyList<VerboseDevice> devices, IReadOnlyDictionary<Bdf, int> secondary,
        IReadOnlyDictionary<Bdf, int> subordinate, IReadOnlySet<(int Domain, int Bus)> unowned, IReadOnlySet<(int Domain, int Bus)> roots,
        Func<VerboseDevice, bool>? listedOnlyWithLink = null)
    {
        HashSet<Bdf> hidden = listedOnlyWithLink is null ? [] : [.. devices.Where(d => d.IsBridge && listedOnlyWithLink(d)).Select(d => d.Address)];
        int limit = roots.Where(r => r.Domain == root.Domain && r.Bus > root.Bus).Select(r => r.Bus).DefaultIfEmpty(0x100).Min();
        var free = unowned.Where(u => u.Domain == root.Domain && u.Bus > root.Bus && u.Bus < limit).Select(u => u.Bus).ToImmutableSortedSet();
        var bridgesOn = devices.Where(d => d.IsBridge).GroupBy(d => (d.Address.Domain, d.Address.Bus))
            .ToDictionary(g => g.Key, g => g.OrderBy(d => d.Address.Devfn).Select(d => d.Address).ToList());
        Plan? best = null;
        int steps = 0;
        bool truncated = false;

        int Orphans(State s) => free.Count(b => !s.Owned.Contains(b));
        // Buses at or below the cursor can never be owned any more: a lower bound of the orphans.
        int Lost(State s) => free.Count(b => b <= s.Cursor && !s.Owned.Contains(b));
        bool NotBetter(int orphans, int hiddenEmpty, int gaps) =>
            best is not null && (orphans, hiddenEmpty, gaps).CompareTo((best.Orphans, best.HiddenEmpty, best.Gaps)) >= 0;

        void Search(State s)
        {
            if (++steps > MaxSteps)
            {
                truncated = true;
                return;
            }
            if (NotBetter(Lost(s), s.HiddenEmpty, s.Gaps))
                return;
            if (s.Frames.IsEmpty)
            {
                if (NotBetter(Orphans(s), s.HiddenEmpty, s.Gaps))
                    return;
                best = new Plan([.. s.Taken], [.. s.Empty], Orphans(s), s.Gaps, false) { HiddenEmpty = s.HiddenEmpty };
                return;
            }
            var frames = s.Frames.Pop(out var top);
            var bridges = bridgesOn.GetValueOrDefault(top.Bus) ?? [];
            if (top.Index >= bridges.Count)
            {
                Search(s with { Frames = frames });
                return;
            }
            var br = bridges[top.Index];
            frames = frames.Push((top.Bus, top.Index + 1));
            if (secondary.TryGetValue(br, out var known))
            {
                Search(s with { Frames = frames.Push(((root.Domain, known), 0)), Cursor = Math.Max(s.Cursor, subordinate.GetValueOrDefault(br, known)) });
                return;
            }
            int next = s.Cursor + 1;
            if (free.Contains(next) && !s.Owned.Contains(next))
            {
                Search(Take(s, frames, br, next, false));
                return;
            }
            // The next number is not in the dump: numbers were skipped (take the next bus the dump has), or the bridge is empty.
            var later = free.Where(b => b > s.Cursor && !s.Owned.Contains(b)).Select(b => (int?)b).FirstOrDefault();
            if (later is int bus)
                Search(Take(s, frames, br, bus, true));
            int hiddenEmpty = s.HiddenEmpty + (hidden.Contains(br) ? 1 : 0);
            if (next < limit)
                Search(s with { Frames = frames, Cursor = next, Empty = s.Empty.Add((br, next)), HiddenEmpty = hiddenEmpty });
            else
                Search(s with { Frames = frames, Empty = s.Empty.Add((br, next)), HiddenEmpty = hiddenEmpty });
        }

        State Take(State s, ImmutableStack<((int, int), int)> frames, Bdf br, int bus, bool gap) => s with
        {
            Frames = frames.Push(((root.Domain, bus), 0)),
            Cursor = bus,
            Taken = s.Taken.Add((br, bus, gap)),
            Owned = s.Owned.Add(bus),
            Gaps = s.Gaps + (gap ? 1 : 0),
        };

        Search(new State(ImmutableStack.Create((root, 0)), root.Bus, [], [], [], 0, 0));
        return best! with { Truncated = truncated };
    }
}
