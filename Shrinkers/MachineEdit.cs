using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Shrinkers;

/// <summary>
/// Removes devices, drivers and IOMMU instances from a machine while keeping it valid: a device
/// goes with everything below it (and a PF with its VFs), an instance with its device, a driver
/// that no longer matches anything goes too, and every index is renumbered.
/// </summary>
public static class MachineEdit
{
    public static Candidate Without(Candidate c, IEnumerable<int> devices, IEnumerable<int> drivers, IEnumerable<int> iommus)
    {
        var m = c.Machine;
        var dropDev = Closure(m, devices.ToHashSet());
        var dropIommu = iommus.ToHashSet();
        foreach (var i in m.Iommus)
            if (i.Device is int d && dropDev.Contains(d))
                dropIommu.Add(i.Index);
        foreach (var i in m.Iommus.Where(i => dropIommu.Contains(i.Index)))
            if (i.Device is int d)
                dropDev.UnionWith(Closure(m, [d]));
        var dropDrv = drivers.ToHashSet();
        foreach (var drv in m.Drivers)
            if (drv.Matches.All(dropDev.Contains))
                dropDrv.Add(drv.Index);

        var devMap = Renumber(m.Devices.Length, dropDev);
        var drvMap = Renumber(m.Drivers.Length, dropDrv);
        var iommuMap = Renumber(m.Iommus.Length, dropIommu);
        int? Dev(int? d) => d is int x && devMap[x] >= 0 ? devMap[x] : null;
        int? Iommu(int? i) => i is int x && iommuMap[x] >= 0 ? iommuMap[x] : null;

        // A device whose index and references the renumbering leaves as they were is kept as it is
        // (when the devices dropped come after it, as they do for leaves dropped last first).
        var newDevices = m.Devices.Where(d => devMap[d.Index] >= 0).Select(d =>
        {
            var pci = d.Pci is null || (d.Pci.ParentBridge is not int pb || devMap[pb] == pb) && (d.Pci.PhysFn is not int pf || devMap[pf] == pf)
                && d.Pci.DmaAliasOf.All(a => devMap[a] == a)
                ? d.Pci
                : d.Pci with
                {
                    ParentBridge = Dev(d.Pci.ParentBridge),
                    PhysFn = Dev(d.Pci.PhysFn),
                    DmaAliasOf = [.. d.Pci.DmaAliasOf.Where(a => devMap[a] >= 0).Select(a => devMap[a])],
                };
            int? iommu = Iommu(d.Iommu);
            return devMap[d.Index] == d.Index && iommu == d.Iommu && ReferenceEquals(pci, d.Pci)
                ? d
                : d with { Index = devMap[d.Index], Iommu = iommu, Pci = pci };
        }).ToImmutableArray();
        var newDrivers = m.Drivers.Where(d => drvMap[d.Index] >= 0).Select(d => d with
        {
            Index = drvMap[d.Index],
            Matches = [.. d.Matches.Where(x => devMap[x] >= 0).Select(x => devMap[x])],
            Probe = d.Probe is ProbeBehaviour.DefersUntilBound s
                ? (Dev(s.Supplier) is int sup ? new ProbeBehaviour.DefersUntilBound(sup) : ProbeBehaviour.Succeeds)
                : d.Probe,
        }).ToImmutableArray();
        var newIommus = m.Iommus.Where(i => iommuMap[i.Index] >= 0).Select(i => i with
        {
            Index = iommuMap[i.Index],
            Device = Dev(i.Device),
            Driver = i.Driver is int drv && drvMap[drv] >= 0 ? drvMap[drv] : null,
        }).ToImmutableArray();
        var usedDomains = newDevices.Where(d => d.Pci is not null).Select(d => d.Pci!.Domain).ToHashSet();
        var newBridges = m.HostBridges.Where(b => usedDomains.Contains(b.Domain))
            .Select(b => b with { Iommu = Iommu(b.Iommu), Vmd = Dev(b.Vmd) }).ToImmutableArray();

        var shell = m with { Devices = newDevices, Drivers = newDrivers, Iommus = newIommus, HostBridges = newBridges, Script = [] };
        var renumbering = new Renumbering(m, devMap, drvMap, iommuMap);
        // The timed actions stay, so that the pruned machine keeps the script's times (the order
        // of a timed action and the deferred-probe timeout, Machine.Index.Timeline).
        shell = shell with { Script = [.. TimedActions(m, renumbering)] };
        // What M has derived and the drop leaves as it was is carried over (MachineIndex.Pruned).
        shell = shell.WithIndexPrunedFrom(m, devMap, drvMap);
        Model.Topology.CanonicalPartition.Pruned(m, shell, devMap);
        var events = ImmutableArray.CreateRange(c.Events.Select(e => EventText.Parse(renumbering.NamesFor(e), EventText.Format(m, e)).Event).OfType<Event>());
        return new Candidate(shell, events);
    }

    /// <summary>The actions of FROM's script with an `at:` that still make sense on the pruned machine, with their times, and its `boot`.</summary>
    private static IEnumerable<ScriptAction> TimedActions(Machine from, Renumbering to)
    {
        foreach (var a in from.Script)
        {
            if (a.Event is Boot)
                yield return a;
            else if (a.AtMicros is not null && EventText.Parse(to.NamesFor(a.Event), EventText.Format(from, a.Event)).Event is { } e)
                yield return a with { Event = e };
        }
    }

    /// <summary>The events of FROM that still make sense on TO (those naming nothing removed), by their text.</summary>
    public static ImmutableArray<Event> Reparse(Machine from, Machine to, IEnumerable<Event> events) =>
        [.. events.Select(e => EventText.Parse(to, EventText.Format(from, e)).Event).OfType<Event>()];

    /// <summary>
    /// The names of the pruned machine: those of FROM that stay, each with its new index (names
    /// are unique and kept), found without a name table of the new machine. An event's text names
    /// what the event refers to, so those are looked at first; any other name goes through FROM's table.
    /// </summary>
    private sealed class Renumbering(Machine from, int[] devMap, int[] drvMap, int[] iommuMap)
    {
        public EventText.Names NamesFor(Event e)
        {
            var (dev, drv, iommu) = References(e);
            return new EventText.Names(
                n => dev is int d && from.Devices[d].Name == n ? devMap[d] : New(devMap, from.DeviceIndex(n)),
                n => drv is int d && from.Drivers[d].Name == n ? drvMap[d] : New(drvMap, from.DriverIndex(n)),
                n => iommu is int i && from.Iommus[i].Name == n ? iommuMap[i] : New(iommuMap, from.IommuIndex(n)));
        }

        private static int New(int[] map, int index) => index >= 0 ? map[index] : -1;

        private static (int? Device, int? Driver, int? Iommu) References(Event e) => e switch
        {
            AddDevice a => (a.Device, null, null),
            HotAdd h => (h.Device, null, null),
            HotRemove h => (h.Device, null, null),
            Unbind u => (u.Device, null, null),
            FailNextAttach f => (f.Device, null, null),
            FailNextProbe f => (f.Device, null, null),
            SriovEnable s => (s.PhysFn, null, null),
            Bind b => (b.Device, b.Driver, null),
            RegisterDriver r => (null, r.Driver, null),
            Modprobe p => (null, p.Driver, null),
            Rmmod r => (null, r.Driver, null),
            FailDomainAlloc f => (null, null, f.Iommu),
            _ => (null, null, null),
        };
    }

    /// <summary>DEVICES and everything that cannot stay without them: PCI devices below, VFs of a PF, a VMD endpoint's domain.</summary>
    private static HashSet<int> Closure(Machine m, HashSet<int> devices)
    {
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var d in m.Devices)
                if (!devices.Contains(d.Index) && d.Pci is { } p
                    && ((p.ParentBridge is int b && devices.Contains(b)) || (p.PhysFn is int pf && devices.Contains(pf))
                        || (m.Index.RealDmaDev[d.Index] is int vmd && devices.Contains(vmd))))
                    grew |= devices.Add(d.Index);
        }
        return devices;
    }

    private static int[] Renumber(int count, HashSet<int> dropped)
    {
        var map = new int[count];
        int next = 0;
        for (int i = 0; i < count; i++)
            map[i] = dropped.Contains(i) ? -1 : next++;
        return map;
    }
}
