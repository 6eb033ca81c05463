using System.Numerics;
using System.Runtime.CompilerServices;
using Checker.Model.State;

namespace Checker.Properties.Exhaustive;

/// <summary>
/// The order information of a world that can no longer change any outcome (docs/explore.md, "The
/// reduced fingerprint"). A list of devices (or drivers) keeps, of its order, only the relative
/// order of the pairs that some future step could visit differently: the reduced fingerprint
/// encodes the list's canonical form, the least (by index) of the lists with the same elements
/// and the same relative order on every related pair. Two worlds whose lists have one canonical
/// form have the same futures: every step that reads the list reads only the order of related
/// pairs, appends and removals keep two such lists equivalent, and the relation only shrinks
/// along a run.
/// </summary>
public static class Reduction
{
    /// <summary>Machines with more devices or drivers than this keep their lists' whole order (the masks are 64 bits).</summary>
    public const int MaxElements = 64;

    private static readonly ConditionalWeakTable<Machine, Relations> Cache = [];

    /// <summary>The static relations of M (null when it is too large for masks).</summary>
    public static Relations? Of(Machine m) => m.Devices.Length > MaxElements || m.Drivers.Length > MaxElements ? null : Cache.GetValue(m, x => new Relations(x));

    /// <summary>What a world's relations are built from: per driver, instance and device, the masks of the devices or drivers concerned.</summary>
    public sealed class Relations
    {
        /// <summary>Per driver: the devices it matches.</summary>
        public readonly ulong[] DriverDevices;

        /// <summary>Per driver: the drivers that share a matched device with it (itself included).</summary>
        public readonly ulong[] DriverRelated;

        /// <summary>Per instance: the devices it translates (its masters).</summary>
        public readonly ulong[] InstanceDevices;

        /// <summary>Per device: its PCI siblings (same parent bridge; itself included), whose order a hot-remove of the parent reads.</summary>
        public readonly ulong[] Siblings;

        /// <summary>Per driver: whether it is a module (modprobe and rmmod can come at any time).</summary>
        public readonly bool[] Module;

        /// <summary>Per instance: whether it can register again after it has registered (see <see cref="InstanceMayRegister"/>).</summary>
        public readonly bool[] Reregisters;

        /// <summary>
        /// Per device: the devices of its cluster (itself included). Clusters are the connected
        /// components of: one PCI domain (a VMD domain with its endpoint); an IOMMU instance, its masters and its own device; a PF
        /// and its VFs; a driver's supplier (`DefersUntilBound`). Everything a probe, a
        /// registration walk's grouping or a device link of one device reads or writes lies in
        /// its cluster (docs/explore.md, "Partial-order reduction of the boot").
        /// </summary>
        public readonly ulong[] Cluster;

        /// <summary>Per device: the index of its cluster (clusters numbered by their first device).</summary>
        public readonly int[] ClusterIndex;

        /// <summary>The number of clusters.</summary>
        public readonly int Clusters;

        /// <summary>
        /// Whether every driver's probe succeeds (no <c>FailsWith</c>, no <c>DefersUntilBound</c>): then,
        /// without injected probe failures, a probe either binds or defers without leaving a trace
        /// or a change a second deferring attempt would not repeat (see <see cref="Fingerprint"/>'s clusters).
        /// </summary>
        public readonly bool ProbesSucceed;

        /// <summary>
        /// Whether no deferral can outlive late_initcall's first pass, so that the order of the
        /// deferred lists between clusters can never matter (docs/explore.md, "Partial-order
        /// reduction of the boot", "When clusters apply"): every probe succeeds
        /// (<see cref="ProbesSucceed"/>), every driver is built in, fw_devlink is off, the groups
        /// variant is neither `defer-to-parent` nor `parent-link` (no device link, no wait for a parent), and every IOMMU instance is up before late_initcall
        /// and stays up (x86's, registered at boot; or one registered by a built-in driver binding
        /// a platform device present at boot that is no IOMMU's master, never `defer-forever`).
        /// Then the only deferrals are masters whose instance has not registered yet, every one
        /// binds when late_initcall retries it (the trigger of a bind moves nothing: the pending list
        /// is empty behind it), and nothing defers after: no instance can be unregistered (sysfs
        /// unbind is suppressed, built-ins cannot be unloaded, platform devices are not hot-removed).
        /// Otherwise a bind of one cluster in deferred_probe_work_func() moves a deferral of another
        /// cluster behind that cluster's later entries, which reorders it within its own cluster
        /// (the test `A_bind_in_one_cluster_reorders_the_deferrals_of_another`).
        /// </summary>
        public readonly bool DeferralsEndAtLateInitcall;

        public Relations(Machine m)
        {
            int devices = m.Devices.Length, drivers = m.Drivers.Length;
            DriverDevices = new ulong[drivers];
            DriverRelated = new ulong[drivers];
            Module = new bool[drivers];
            foreach (var d in m.Drivers)
            {
                foreach (int dev in d.Matches)
                    DriverDevices[d.Index] |= 1UL << dev;
                Module[d.Index] = !d.Arrival.Builtin;
            }
            for (int a = 0; a < drivers; a++)
                for (int b = 0; b < drivers; b++)
                    if ((DriverDevices[a] & DriverDevices[b]) != 0 || a == b)
                        DriverRelated[a] |= 1UL << b;
            InstanceDevices = new ulong[m.Iommus.Length];
            foreach (var d in m.Devices)
                if (d.Iommu is int inst)
                    InstanceDevices[inst] |= 1UL << d.Index;
            Siblings = new ulong[devices];
            foreach (var a in m.Devices)
                foreach (var b in m.Devices)
                    if (a.Pci?.ParentBridge is int p && b.Pci?.ParentBridge == p)
                        Siblings[a.Index] |= 1UL << b.Index;
            Reregisters = new bool[m.Iommus.Length];
            foreach (var i in m.Iommus)
            {
                // An instance's registration is undone only by unbinding its device: sysfs
                // unbind is suppressed for IOMMU drivers, so that takes rmmod of a modular
                // driver, a PCI hot-remove (of it or a parent), or a device link whose supplier
                // is unbound (the device is then a consumer: a master itself).
                Reregisters[i.Index] = i.Device is int dev
                    && (i.Driver is int drv && !m.Drivers[drv].Arrival.Builtin || m.Devices[dev].Pci is not null || m.Devices[dev].Iommu is not null);
            }
            var sets = new DisjointSets(devices);
            int Find(int x) => sets.Find(x);
            void Union(int a, int b) => sets.Union(a, b);
            var firstOfDomain = new Dictionary<int, int>();
            var firstOfInstance = new Dictionary<int, int>();
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
                    // A VMD domain's functions DMA as their endpoint (pci_real_dma_dev()) and are added only while it is present.
                    if (m.Index.RealDmaDev[d.Index] is int endpoint)
                        Union(d.Index, endpoint);
                }
                if (d.Iommu is int inst)
                {
                    if (firstOfInstance.TryGetValue(inst, out int other))
                        Union(d.Index, other);
                    else
                        firstOfInstance[inst] = d.Index;
                    if (m.Iommus[inst].Device is int own)
                        Union(d.Index, own);
                }
            }
            ProbesSucceed = true;
            foreach (var drv in m.Drivers)
            {
                if (drv.Probe is ProbeBehaviour.DefersUntilBound until)
                    foreach (int dev in drv.Matches)
                        Union(dev, until.Supplier);
                if (drv.Probe is not ProbeBehaviour.SucceedsProbe)
                    ProbesSucceed = false;
            }
            DeferralsEndAtLateInitcall = ProbesSucceed
                && m.Drivers.All(d => d.Arrival.Builtin)
                && m.Variants.FwDevlink == FwDevlinkVariant.Off
                && m.Variants.Groups is not (GroupsVariant.DeferToParent or GroupsVariant.ParentLink)
                && m.Iommus.All(i => i.Device is int dev
                    ? !i.DeferForever && i.Driver is int drv && m.Devices[dev] is { Pci: null, Iommu: null, PresentAtBoot: true }
                        && m.Drivers[drv].Matches.Contains(dev)
                    : m.Arch == Arch.X86);
            Cluster = new ulong[devices];
            ClusterIndex = new int[devices];
            var indexOfRoot = new Dictionary<int, int>();
            for (int d = 0; d < devices; d++)
            {
                int r = Find(d);
                if (!indexOfRoot.TryGetValue(r, out int c))
                    indexOfRoot[r] = c = indexOfRoot.Count;
                ClusterIndex[d] = c;
            }
            Clusters = indexOfRoot.Count;
            for (int a = 0; a < devices; a++)
                for (int b = 0; b < devices; b++)
                    if (ClusterIndex[a] == ClusterIndex[b])
                        Cluster[a] |= 1UL << b;
        }
    }

    /// <summary>Whether driver DRV of W can still be registered (driver_register() of a built-in before late_initcall; a module at any time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool DriverMayRegister(World w, Relations r, int drv) => r.Module[drv] || !w.DriverRegistered[drv] && !w.DeferredProbeEnabled;

    /// <summary>Whether instance INST of W can still register (and walk the bus list): not yet registered, or it can be undone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool InstanceMayRegister(World w, Relations r, int inst) => !w.Instances[inst].Registered || r.Reregisters[inst];

    /// <summary>The drivers of W that can still register (<see cref="DriverMayRegister"/>), as a mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ulong DriversThatMayRegister(World w, Relations r)
    {
        ulong mask = 0;
        for (int drv = 0; drv < r.DriverDevices.Length; drv++)
            if (DriverMayRegister(w, r, drv))
                mask |= 1UL << drv;
        return mask;
    }

    /// <summary>The instances of W that can still register (<see cref="InstanceMayRegister"/>), as a mask (at most 64 instances).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ulong InstancesThatMayRegister(World w, Relations r)
    {
        ulong mask = 0;
        for (int inst = 0; inst < r.InstanceDevices.Length; inst++)
            if (InstanceMayRegister(w, r, inst))
                mask |= 1UL << inst;
        return mask;
    }

    /// <summary>
    /// Per device of W, the devices whose relative order in the bus list can still matter: both
    /// matched by a driver that can still register (driver_attach() and the rmmod path walk the
    /// bus list), both translated by an instance that can still register (bus_iommu_probe(), the
    /// bus replay and ARM32's attach walk it), or PCI siblings (pci_stop_and_remove_bus_device()
    /// removes children in reverse bus-list order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BusRelation(World w, Relations r, Span<ulong> related, bool clusters = false)
    {
        r.Siblings.AsSpan(0, related.Length).CopyTo(related);
        for (int drv = 0; drv < r.DriverDevices.Length; drv++)
            if (DriverMayRegister(w, r, drv))
                JoinDriver(r, drv, related, clusters);
        for (int inst = 0; inst < r.InstanceDevices.Length; inst++)
            if (InstanceMayRegister(w, r, inst))
                Join(related, r.InstanceDevices[inst]);
    }

    /// <summary>
    /// <see cref="BusRelation(World, Relations, Span{ulong}, bool)"/> from the masks of the drivers
    /// and instances that can still register (at most 64 instances).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BusRelation(Relations r, ulong drivers, ulong instances, Span<ulong> related, bool clusters)
    {
        r.Siblings.AsSpan(0, related.Length).CopyTo(related);
        for (ulong s = drivers; s != 0; s &= s - 1)
            JoinDriver(r, BitOperations.TrailingZeroCount(s), related, clusters);
        for (ulong s = instances; s != 0; s &= s - 1)
            Join(related, r.InstanceDevices[BitOperations.TrailingZeroCount(s)]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void JoinDriver(Relations r, int drv, Span<ulong> related, bool clusters)
    {
        // With clusters, a built-in's walk (before late_initcall, so no bind triggers
        // deferred work) keeps only the order within a cluster: its probes of different
        // clusters commute (docs/explore.md, "Partial-order reduction of the boot").
        if (clusters && !r.Module[drv])
            JoinWithin(related, r.DriverDevices[drv], r.Cluster);
        else
            Join(related, r.DriverDevices[drv]);
    }

    private static void JoinWithin(Span<ulong> related, ulong set, ulong[] cluster)
    {
        for (ulong s = set; s != 0; s &= s - 1)
        {
            int x = BitOperations.TrailingZeroCount(s);
            related[x] |= set & cluster[x];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Join(Span<ulong> related, ulong set)
    {
        for (ulong s = set; s != 0; s &= s - 1)
            related[BitOperations.TrailingZeroCount(s)] |= set;
    }

    /// <summary>
    /// Writes the canonical form of LIST into INTO: repeatedly the smallest element that no
    /// remaining element related to it precedes. This is the least (lexicographically) of the
    /// lists with LIST's elements that keep the relative order of every related pair, so two
    /// lists have one canonical form exactly when they agree on every related pair. LIST's
    /// elements are distinct and below 64; BEFORE (64 entries) is scratch: per element, the
    /// related elements before it in LIST, so that "no remaining related element precedes x"
    /// is one AND with the set of remaining elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Canonical(ReadOnlySpan<int> list, ReadOnlySpan<ulong> related, Span<int> into, Span<ulong> before)
    {
        ulong remaining = 0;
        foreach (int x in list)
        {
            before[x] = related[x] & remaining;
            remaining |= 1UL << x;
        }
        for (int k = 0; k < into.Length; k++)
        {
            // The remaining elements in increasing order: the first with no related remaining
            // element before it is the smallest such (there is one: the first remaining in LIST).
            int x;
            for (ulong s = remaining; ; s &= s - 1)
            {
                x = BitOperations.TrailingZeroCount(s);
                if ((before[x] & remaining) == 0)
                    break;
            }
            into[k] = x;
            remaining &= ~(1UL << x);
        }
    }
}
