using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Properties.Exhaustive;

/// <summary>One block of a symmetry class: its devices, its own drivers and instances, each ascending.</summary>
public sealed record SymmetricBlock(int[] Devices, int[] Drivers, int[] Instances);

/// <summary>
/// The classes of interchangeable blocks of one machine (<see cref="Symmetry"/>), and per thread
/// the work of choosing, for a world, the exchanges that put its blocks in canonical order.
/// </summary>
public sealed class Symmetries
{
    /// <summary>Each class: two or more blocks, every exchange of two of them an automorphism of the machine.</summary>
    public readonly SymmetricBlock[][] Classes;

    private readonly Machine _machine;

    public Symmetries(Machine m)
    {
        _machine = m;
        Classes = [];
        if (m.Devices.Length > Reduction.MaxElements || m.Drivers.Length > Reduction.MaxElements || m.Iommus.Length > Reduction.MaxElements)
            return;
        var (deviceBlock, instanceBlock) = Symmetry.Blocks(m);
        // A driver belongs to a block when every device it matches does; else it stays put.
        var driverBlock = new int[m.Drivers.Length];
        foreach (var drv in m.Drivers)
        {
            var matched = drv.Matches.Select(d => deviceBlock[d]).Distinct().ToList();
            driverBlock[drv.Index] = matched.Count == 1 ? matched[0] : -1;
        }
        // Blocks a script action names (other than `boot`) stay put: the script's times and the
        // 6.15 timeout's side are facts about those very events.
        var pinned = new HashSet<int>();
        foreach (var action in m.Script)
        {
            var (dev, drv, inst) = Symmetry.Names(action.Event);
            if (dev >= 0)
                pinned.Add(deviceBlock[dev]);
            if (drv >= 0)
                pinned.Add(driverBlock[drv]);
            if (inst >= 0)
                pinned.Add(instanceBlock[inst]);
        }
        var blocks = new SortedDictionary<int, SymmetricBlock>();
        foreach (int b in deviceBlock.Distinct().Order())
        {
            if (pinned.Contains(b))
                continue;
            blocks[b] = new SymmetricBlock(
                [.. Enumerable.Range(0, m.Devices.Length).Where(d => deviceBlock[d] == b)],
                [.. Enumerable.Range(0, m.Drivers.Length).Where(d => driverBlock[d] == b)],
                [.. Enumerable.Range(0, m.Iommus.Length).Where(i => instanceBlock[i] == b)]);
        }
        // An instance with no device in any block (x86) is not moved: its masters' blocks can
        // only be exchanged when they name the same one.
        var classes = new List<List<SymmetricBlock>>();
        var p = new Permutation(m.Devices.Length, m.Drivers.Length, m.Iommus.Length);
        foreach (var block in blocks.Values)
        {
            bool placed = false;
            foreach (var c in classes)
            {
                var first = c[0];
                if (first.Devices.Length != block.Devices.Length || first.Drivers.Length != block.Drivers.Length || first.Instances.Length != block.Instances.Length)
                    continue;
                p.Reset();
                p.Move(first, block);
                p.Move(block, first);
                if (Symmetry.IsAutomorphism(m, p.Device, p.Driver, p.Instance))
                {
                    c.Add(block);
                    placed = true;
                    break;
                }
            }
            if (!placed)
                classes.Add([block]);
        }
        Classes = [.. classes.Where(c => c.Count > 1).Select(c => c.ToArray())];
    }

    /// <summary>More orderings than this of one world's tied blocks are not tried: the first stands for them (sound, merges less).</summary>
    public const int MaxCandidates = 120;

    /// <summary>
    /// Per thread: for the world last passed to <see cref="Prepare"/>, each class's blocks in
    /// canonical order and the runs of tied blocks, whose orders <see cref="Candidate"/> enumerates.
    /// </summary>
    internal sealed class Work
    {
        /// <summary>The symmetries the arrays below are sized for (a thread may explore several machines).</summary>
        public Symmetries? Owner;
        public Permutation Permutation = new(0, 0, 0);
        public ulong[][] Keys = [];
        public int[][] Order = [];
        /// <summary>The runs of tied touched blocks in <see cref="Order"/> (class, start, length).</summary>
        public readonly List<(int Class, int Start, int Length)> Ties = [];
        /// <summary>How many candidates the world has (the product of its runs' factorials); 0 when only the identity.</summary>
        public int Count;
        public readonly int[] Run = new int[MaxRun];
    }

    /// <summary>The longest run of tied blocks whose orders are all tried (5! = 120 candidates).</summary>
    private const int MaxRun = 5;

    /// <summary>Every order of 0..n-1, for n up to <see cref="MaxRun"/>.</summary>
    private static readonly int[][][] Orders = [.. Enumerable.Range(0, MaxRun + 1).Select(n => AllOrders(n).ToArray())];

    private static IEnumerable<int[]> AllOrders(int n)
    {
        if (n <= 1)
        {
            yield return [.. Enumerable.Range(0, n)];
            yield break;
        }
        foreach (var rest in AllOrders(n - 1))
            for (int at = 0; at < n; at++)
            {
                var order = new List<int>(rest);
                order.Insert(at, n - 1);
                yield return [.. order];
            }
    }

    [ThreadStatic] private static Work? _work;

    /// <summary>
    /// Puts W's blocks (STATES: its devices' states) in canonical order: in each class, touched
    /// blocks first (a block is untouched when its devices, drivers and instances are all in
    /// their initial states, and then nothing in the world refers to it), ordered by a hash of
    /// their own states (<see cref="Key"/>), the rest after. Blocks with one key may still differ
    /// in their places in the lists, so every order of a run of them is a candidate; untouched
    /// blocks are all alike, one order of them is enough. Returns the work, whose
    /// <see cref="Work.Count"/> candidates <see cref="Candidate"/> makes (none: only the identity).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal Work Prepare(World w, DeviceState[] states)
    {
        var work = _work ??= new Work();
        var m = _machine;
        if (!ReferenceEquals(work.Owner, this))
        {
            work.Permutation = new Permutation(m.Devices.Length, m.Drivers.Length, m.Iommus.Length);
            work.Keys = [.. Classes.Select(c => new ulong[c.Length])];
            work.Order = [.. Classes.Select(c => new int[c.Length])];
            work.Owner = this;
        }
        work.Ties.Clear();
        long count = 1;
        bool identity = true;
        for (int c = 0; c < Classes.Length; c++)
        {
            var blocks = Classes[c];
            var keys = work.Keys[c];
            var order = work.Order[c];
            for (int j = 0; j < blocks.Length; j++)
            {
                keys[j] = Key(w, states, blocks[j]);
                order[j] = j;
            }
            // Insertion sort by key, index among equals (a handful of blocks).
            for (int i = 1; i < order.Length; i++)
                for (int j = i; j > 0 && keys[order[j - 1]] > keys[order[j]]; j--)
                    (order[j - 1], order[j]) = (order[j], order[j - 1]);
            for (int j = 0; j < order.Length; j++)
                identity &= order[j] == j;
            for (int start = 0; start < order.Length;)
            {
                int end = start + 1;
                while (end < order.Length && keys[order[end]] == keys[order[start]])
                    end++;
                if (end - start > 1 && keys[order[start]] != Untouched)
                {
                    work.Ties.Add((c, start, end - start));
                    for (int f = 2; f <= end - start; f++)
                        count *= f;
                }
                start = end;
            }
        }
        if (count > MaxCandidates || work.Ties.Any(t => t.Length > MaxRun))
            work.Ties.Clear();
        work.Count = identity && work.Ties.Count == 0 ? 0 : work.Ties.Count == 0 ? 1 : (int)count;
        return work;
    }

    /// <summary>Candidate K (0 ≤ K &lt; <see cref="Work.Count"/>) of the world <see cref="Prepare"/> last put in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal Permutation Candidate(Work work, int k)
    {
        var p = work.Permutation;
        p.Reset();
        // K in mixed radix: one digit per run of tied blocks, picking one order of the run.
        foreach (var (cls, start, length) in work.Ties)
        {
            var orders = Orders[length];
            var chosen = orders[k % orders.Length];
            k /= orders.Length;
            var order = work.Order[cls];
            for (int i = 0; i < length; i++)
                work.Run[i] = order[start + chosen[i]];
            for (int i = 0; i < length; i++)
                Move(p, cls, work.Run[i], start + i);
        }
        for (int c = 0; c < Classes.Length; c++)
        {
            var order = work.Order[c];
            for (int j = 0; j < order.Length; j++)
                if (!InTie(work, c, j))
                    Move(p, c, order[j], j);
        }
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InTie(Work work, int cls, int position)
    {
        foreach (var (c, start, length) in work.Ties)
            if (c == cls && position >= start && position < start + length)
                return true;
        return false;
    }

    private void Move(Permutation p, int cls, int from, int to)
    {
        if (from != to)
            p.Move(Classes[cls][from], Classes[cls][to]);
    }

    /// <summary>The key of a block none of whose devices, drivers and instances has changed: the largest, so those blocks come last.</summary>
    private const ulong Untouched = ulong.MaxValue;

    /// <summary>
    /// A hash of BLOCK's own state in W (devices in order, then its drivers' registered flags,
    /// then its instances), with the drivers and instances of the block named by their place in
    /// it, others by index, group and mapping ids only as present or not: so the block's image
    /// under any automorphism has the same key in the image world. <see cref="Untouched"/> for a
    /// block in its initial state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong Key(World w, DeviceState[] states, SymmetricBlock block)
    {
        unchecked
        {
            var initial = _machine.Index.InitialDevices;
            bool touched = false;
            ulong h = 0x9E3779B97F4A7C15UL;
            foreach (int d in block.Devices)
            {
                var s = states[d];
                if (ReferenceEquals(s, initial[d]) || s.Equals(initial[d]))
                {
                    h = Mix(h, 0);
                    continue;
                }
                touched = true;
                h = Mix(h, 1UL | (s.Present ? 2UL : 0) | (s.EverAdded ? 4UL : 0) | (s.HasFwspec ? 8UL : 0) | (s.ArchSetOps ? 16UL : 0)
                    | (s.Coherent ? 32UL : 0) | (s.PendingAttachFailure ? 64UL : 0) | (s.InjectedFailure ? 128UL : 0) | (s.Detached ? 256UL : 0)
                    | (s.FwspecOps ? 512UL : 0) | (s.IsGrouped ? 1024UL : 0) | (ulong)s.Status << 16 | (ulong)s.Fallback << 24);
                h = Mix(h, (ulong)(uint)Relative(s.Driver, block.Drivers) | (ulong)(uint)s.LiveConfigures << 32);
                h = Mix(h, s.CoherentMask);
                h = Mix(h, (ulong)(uint)s.PendingProbeErrno);
                h = Mix(h, Ops(s.Ops, block));
                h = Mix(h, Ops(s.ConfiguredOps, block));
                h = Mix(h, Ops(s.OpsBeforeConfigure, block));
            }
            foreach (int drv in block.Drivers)
            {
                touched |= w.DriverRegistered[drv];
                h = Mix(h, w.DriverRegistered[drv] ? 1UL : 0);
            }
            foreach (int inst in block.Instances)
            {
                var i = w.Instances[inst];
                if (i != InstanceState.Initial)
                    touched = true;
                h = Mix(h, (i.Registered ? 1UL : 0) | (i.PendingDomainAllocFailure ? 2UL : 0) | (i.SharedMapping >= 0 ? 4UL : 0)
                    | (ulong)(uint)i.Generation << 8 | (ulong)(uint)i.Unregistrations << 32);
                h = Mix(h, (ulong)(uint)i.DomainsInUse);
            }
            return touched ? Math.Min(h, Untouched - 1) : Untouched;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Ops(DmaOps ops, SymmetricBlock block) => unchecked(
        (ulong)ops.Kind | (ulong)(ushort)Relative(ops.Owner, block.Drivers) << 8 | (ulong)(ushort)Relative(ops.Instance, block.Instances) << 24
        | (ulong)(ushort)ops.Generation << 40 | (ops.Mapping >= 0 ? 1UL << 63 : 0));

    /// <summary>X as its place in OWN plus 1024 when it is one of them, else X itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Relative(int x, int[] own)
    {
        if (x < 0)
            return x;
        int k = Array.IndexOf(own, x);
        return k >= 0 ? 1024 + k : x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h, ulong v)
    {
        unchecked
        {
            h ^= v + 0x9E3779B97F4A7C15UL + (h << 6) + (h >> 2);
            h *= 0xBF58476D1CE4E5B9UL;
            return h ^ (h >> 31);
        }
    }
}
