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
                // A VMD domain's functions DMA as their endpoint and are added only while it is present.
                if (m.Index.RealDmaDev[d.Index] is int endpoint)
                    Union(d.Index, endpoint);
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
                if (Dev(m.Index.RealDmaDev[a.Index]) != (m.Index.RealDmaDev[b.Index] ?? -1))
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
