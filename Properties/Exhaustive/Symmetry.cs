using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Properties.Exhaustive;

/// <summary>
/// The symmetries of a machine that exploration quotients by (docs/explore.md, "Symmetry"): blocks
/// of devices, with the drivers and IOMMU instances that belong to them alone, that are identical
/// up to names, so that exchanging two blocks (the k-th device of one for the k-th of the other,
/// and likewise their drivers and instances) maps every static fact any step or invariant reads
/// onto itself. Such an exchange maps every run onto a run with the same verdicts, so two worlds
/// one exchange maps onto each other have the same futures, and the fingerprint
/// (<see cref="Fingerprint.Of(World, bool, bool, bool)"/>) tells apart only worlds no combination of
/// exchanges relates.
/// </summary>
public static class Symmetry
{
    private static readonly ConditionalWeakTable<Machine, Symmetries> Cache = [];

    /// <summary>The classes of interchangeable blocks of M; null when it has none (or is too large for masks).</summary>
    public static Symmetries? Of(Machine m)
    {
        var s = Cache.GetValue(m, x => new Symmetries(x));
        return s.Classes.Length == 0 ? null : s;
    }

    /// <summary>
    /// The block of every device and instance: connected components of "same PCI domain", parent
    /// bridge, PF, DMA alias, a driver's <c>DefersUntilBound</c> supplier, and an IOMMU instance
    /// with its own device, its PCI masters and its DT masters (fw_devlink links those to the
    /// instance's device, and walks a supplier's consumers in device order). Other non-PCI masters
    /// (ACPI platform devices) are blocks of their own: they can be exchanged among the masters of
    /// one instance, which stays where it is.
    /// </summary>
    internal static (int[] DeviceBlock, int[] InstanceBlock) Blocks(Machine m)
    {
        int devices = m.Devices.Length, instances = m.Iommus.Length;
        var sets = new DisjointSets(devices + instances);
        int Find(int x) => sets.Find(x);
        void Union(int a, int b) => sets.Union(a, b);
        var firstOfDomain = new Dictionary<int, int>();
        foreach (var d in m.Devices)
        {
            if (d.Pci is { } pci)
            {
                if (firstOfDomain.TryGetValue(pci.Domain, out int other))
                    Union(d.Index, other);
                else
                    firstOfDomain[pci.Domain] = d.Index;
                if (pci.ParentBridge is int parent)
                    Union(d.Index, parent);
                if (pci.PhysFn is int pf)
                    Union(d.Index, pf);
                foreach (int alias in pci.DmaAliasOf)
                    Union(d.Index, alias);
            }
            if (d.Iommu is int inst && (d.Pci is not null || d.Firmware == Firmware.Dt))
                Union(d.Index, devices + inst);
        }
        foreach (var i in m.Iommus)
            if (i.Device is int own)
                Union(devices + i.Index, own);
        foreach (var drv in m.Drivers)
            if (drv.Probe is ProbeBehaviour.DefersUntilBound until)
                foreach (int dev in drv.Matches)
                    Union(dev, until.Supplier);
        var deviceBlock = new int[devices];
        var instanceBlock = new int[instances];
        for (int d = 0; d < devices; d++)
            deviceBlock[d] = Find(d);
        for (int i = 0; i < instances; i++)
            instanceBlock[i] = Find(devices + i);
        return (deviceBlock, instanceBlock);
    }

    /// <summary>
    /// Whether the maps DEV, DRV, INST (old index to new) are an automorphism of M: every device,
    /// driver and instance has the static facts of its image, with the indices in them mapped.
    /// Names and source lines may differ; so may a built-in's initcall level and link order,
    /// which only the script's `boot` macro reads (exploration steps each registration as its
    /// own event, in any order); PCI domain and bus numbers may differ as long as the map keeps
    /// which devices share them (no step or invariant reads them otherwise).
    /// </summary>
    internal static bool IsAutomorphism(Machine m, int[] dev, int[] drv, int[] inst)
    {
        int Dev(int? x) => x is int v ? dev[v] : -1;
        int Inst(int? x) => x is int v ? inst[v] : -1;
        int Drv(int? x) => x is int v ? drv[v] : -1;
        foreach (var a in m.Devices)
        {
            var b = m.Devices[dev[a.Index]];
            if (a.Bus != b.Bus || a.Firmware != b.Firmware || a.Coherent != b.Coherent || a.DmaRanges != b.DmaRanges
                || a.CoherentMaskBits != b.CoherentMaskBits || a.PresentAtBoot != b.PresentAtBoot || Inst(a.Iommu) != (b.Iommu ?? -1))
                return false;
            if (a.Pci is null != b.Pci is null)
                return false;
            if (a.Pci is { } pa && b.Pci is { } pb)
            {
                if (pa.Devfn != pb.Devfn || pa.Type != pb.Type || pa.Multifunction != pb.Multifunction || pa.Acs != pb.Acs
                    || pa.AcsQuirk != pb.AcsQuirk || pa.Ids != pb.Ids || Dev(pa.ParentBridge) != (pb.ParentBridge ?? -1)
                    || Dev(pa.PhysFn) != (pb.PhysFn ?? -1) || pa.DmaAliasOf.Length != pb.DmaAliasOf.Length)
                    return false;
                for (int k = 0; k < pa.DmaAliasOf.Length; k++)
                    if (dev[pa.DmaAliasOf[k]] != pb.DmaAliasOf[k])
                        return false;
            }
        }
        // Domains and bus numbers: only compared for equality, so the map must keep equality.
        foreach (var a in m.Devices)
            foreach (var c in m.Devices)
                if (a.Pci is { } pa && c.Pci is { } pc)
                {
                    var pb = m.Devices[dev[a.Index]].Pci!;
                    var pd = m.Devices[dev[c.Index]].Pci!;
                    if ((pa.Domain == pc.Domain) != (pb.Domain == pd.Domain)
                        || (pa.Domain == pc.Domain && pa.BusNumber == pc.BusNumber) != (pb.Domain == pd.Domain && pb.BusNumber == pd.BusNumber))
                        return false;
                }
        foreach (var a in m.Drivers)
        {
            var b = m.Drivers[drv[a.Index]];
            if (a.Bus != b.Bus || a.Arrival.Builtin != b.Arrival.Builtin || a.ArmIommuAttach != b.ArmIommuAttach
                || a.Matches.Length != b.Matches.Length)
                return false;
            var mapped = a.Matches.Select(x => dev[x]).ToHashSet();
            if (!b.Matches.All(mapped.Contains))
                return false;
            bool sameProbe = (a.Probe, b.Probe) switch
            {
                (ProbeBehaviour.SucceedsProbe, ProbeBehaviour.SucceedsProbe) => true,
                (ProbeBehaviour.FailsWith fa, ProbeBehaviour.FailsWith fb) => fa.Errno == fb.Errno,
                (ProbeBehaviour.DefersUntilBound ua, ProbeBehaviour.DefersUntilBound ub) => dev[ua.Supplier] == ub.Supplier,
                _ => false,
            };
            if (!sameProbe)
                return false;
        }
        foreach (var a in m.Iommus)
        {
            var b = m.Iommus[inst[a.Index]];
            if (Dev(a.Device) != (b.Device ?? -1) || Drv(a.Driver) != (b.Driver ?? -1) || a.Contexts != b.Contexts || a.DeferForever != b.DeferForever)
                return false;
        }
        return true;
    }

    /// <summary>The devices, drivers and instances EVENT names (its arguments).</summary>
    internal static (int Device, int Driver, int Instance) Names(Event e) => e switch
    {
        AddDevice a => (a.Device, -1, -1),
        RegisterDriver r => (-1, r.Driver, -1),
        Modprobe p => (-1, p.Driver, -1),
        Rmmod r => (-1, r.Driver, -1),
        SriovEnable s => (s.PhysFn, -1, -1),
        Unbind u => (u.Device, -1, -1),
        Bind b => (b.Device, b.Driver, -1),
        HotAdd h => (h.Device, -1, -1),
        HotRemove h => (h.Device, -1, -1),
        FailNextProbe f => (f.Device, -1, -1),
        FailNextAttach f => (f.Device, -1, -1),
        FailDomainAlloc f => (-1, -1, f.Iommu),
        _ => (-1, -1, -1),
    };

    /// <summary>E with its arguments mapped by P (old index to new).</summary>
    public static Event Map(Event e, Permutation p) => e switch
    {
        AddDevice a => new AddDevice(p.Device[a.Device]),
        RegisterDriver r => new RegisterDriver(p.Driver[r.Driver]),
        Modprobe x => new Modprobe(p.Driver[x.Driver]),
        Rmmod r => new Rmmod(p.Driver[r.Driver]),
        SriovEnable s => new SriovEnable(p.Device[s.PhysFn], s.Count),
        Unbind u => new Unbind(p.Device[u.Device]),
        Bind b => new Bind(p.Device[b.Device], p.Driver[b.Driver]),
        HotAdd h => new HotAdd(p.Device[h.Device]),
        HotRemove h => new HotRemove(p.Device[h.Device]),
        FailNextProbe f => new FailNextProbe(p.Device[f.Device], f.Errno),
        FailNextAttach f => new FailNextAttach(p.Device[f.Device]),
        FailDomainAlloc f => new FailDomainAlloc(p.Instance[f.Iommu]),
        _ => e,
    };

    /// <summary>
    /// The world P makes of W: the state of every device, driver and instance moved to its image,
    /// with the indices in it mapped (group and mapping ids stay: the allocators see the same
    /// ids taken). For tests; the fingerprint reads W through P without making it.
    /// </summary>
    public static World Apply(World w, Permutation p)
    {
        var m = w.Machine;
        var devices = new DeviceState[m.Devices.Length];
        for (int d = 0; d < devices.Length; d++)
        {
            var s = w.Device(d);
            devices[p.Device[d]] = s with
            {
                Driver = p.MapDriver(s.Driver),
                Ops = p.Map(s.Ops),
                ConfiguredOps = p.Map(s.ConfiguredOps),
                OpsBeforeConfigure = p.Map(s.OpsBeforeConfigure),
            };
        }
        var instances = new InstanceState[w.Instances.Length];
        for (int i = 0; i < instances.Length; i++)
            instances[p.Instance[i]] = w.Instances[i];
        var registered = new bool[w.DriverRegistered.Length];
        for (int r = 0; r < registered.Length; r++)
            registered[p.Driver[r]] = w.DriverRegistered[r];
        var groups = ImmutableSortedDictionary.CreateBuilder<int, IommuGroup>();
        foreach (var (id, g) in w.Groups)
            groups[id] = g with { Members = PersistentVector.Create<int>([.. g.Members.Select(x => p.Device[x])]), Instance = p.MapInstance(g.Instance) };
        return w with
        {
            Devices = [.. devices],
            Instances = [.. instances],
            DriverRegistered = [.. registered],
            RegisteredDrivers = [.. w.RegisteredDrivers.Select(r => p.Driver[r])],
            BusList = PersistentVector.Create<int>([.. w.BusList.Select(x => p.Device[x])]),
            DeferredPending = PersistentVector.Create<int>([.. w.DeferredPending.Select(x => p.Device[x])]),
            DeferredActive = PersistentVector.Create<int>([.. w.DeferredActive.Select(x => p.Device[x])]),
            Groups = groups.ToImmutable(),
            Trace = PersistentVector.Create<TraceEntry>([.. w.Trace.Select(t => Map(t, p))]),
        };
    }

    private static TraceEntry Map(TraceEntry t, Permutation p) => t switch
    {
        DeconfigureTrace d => d with { Device = p.Device[d.Device], BeforeConfigure = p.Map(d.BeforeConfigure), After = p.Map(d.After) },
        GroupAddTrace g => g with { Device = p.Device[g.Device], Instance = p.MapInstance(g.Instance) },
        FallbackTrace f => f with { Device = p.Device[f.Device] },
        MaskTrace k => k with { Device = p.Device[k.Device] },
        _ => t,
    };
}

/// <summary>A map of a machine's devices, drivers and instances onto themselves (old index to new), with its inverse.</summary>
public sealed class Permutation
{
    public readonly int[] Device, Driver, Instance;
    public readonly int[] DeviceFrom, DriverFrom, InstanceFrom;

    public Permutation(int devices, int drivers, int instances)
    {
        Device = Identity(devices);
        Driver = Identity(drivers);
        Instance = Identity(instances);
        DeviceFrom = Identity(devices);
        DriverFrom = Identity(drivers);
        InstanceFrom = Identity(instances);
    }

    private static int[] Identity(int n)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++)
            a[i] = i;
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reset()
    {
        for (int i = 0; i < Device.Length; i++)
            Device[i] = DeviceFrom[i] = i;
        for (int i = 0; i < Driver.Length; i++)
            Driver[i] = DriverFrom[i] = i;
        for (int i = 0; i < Instance.Length; i++)
            Instance[i] = InstanceFrom[i] = i;
    }

    /// <summary>Moves block FROM onto block TO: the k-th device, driver and instance of one to the k-th of the other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Move(SymmetricBlock from, SymmetricBlock to)
    {
        for (int k = 0; k < from.Devices.Length; k++)
            (Device[from.Devices[k]], DeviceFrom[to.Devices[k]]) = (to.Devices[k], from.Devices[k]);
        for (int k = 0; k < from.Drivers.Length; k++)
            (Driver[from.Drivers[k]], DriverFrom[to.Drivers[k]]) = (to.Drivers[k], from.Drivers[k]);
        for (int k = 0; k < from.Instances.Length; k++)
            (Instance[from.Instances[k]], InstanceFrom[to.Instances[k]]) = (to.Instances[k], from.Instances[k]);
    }

    public int MapDriver(int drv) => drv >= 0 ? Driver[drv] : drv;

    public int MapInstance(int inst) => inst >= 0 ? Instance[inst] : inst;

    public DmaOps Map(DmaOps ops) => ops with { Owner = MapDriver(ops.Owner), Instance = MapInstance(ops.Instance) };
}

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
