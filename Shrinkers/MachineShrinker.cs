using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Shrinkers;

/// <summary>Shrinks the machine under a failing sequence: modules made built-in, then devices, drivers and instances dropped.</summary>
public static class MachineShrinker
{
    /// <summary>
    /// For each `modprobe DRV`: DRV made built-in (last in link order) and the modprobe replaced by
    /// `register DRV` just before late_initcall; the candidate is kept only if it still fails.
    /// </summary>
    public static IEnumerable<Candidate> ModulesToBuiltin(Candidate c)
    {
        int late = c.Events.IndexOf(new LateInitcall());
        if (late < 0)
            yield break;
        for (int i = 0; i < c.Events.Length; i++)
        {
            if (c.Events[i] is not Modprobe p)
                continue;
            var m = c.Machine;
            int lastLink = m.Drivers.Where(d => d.Arrival.Builtin).Select(d => d.Arrival.LinkOrder).DefaultIfEmpty(0).Max();
            var builtin = m.Drivers[p.Driver] with { Arrival = new DriverArrival(true, InitcallLevel.Device, lastLink + 1) };
            var machine = m with { Drivers = m.Drivers.SetItem(p.Driver, builtin) };
            var events = c.Events.RemoveAt(i).Where(e => e is not Rmmod r || r.Driver != p.Driver).ToImmutableArray();
            yield return new Candidate(machine, events.Insert(late, new RegisterDriver(p.Driver)));
        }
    }

    /// <summary>
    /// The machine without a run of CHUNK consecutive devices (and what hangs below them), for
    /// every chunk size from half the devices down to 2, the last run first at each size: a big
    /// machine whose failure needs a handful of its devices loses most of them in a few prunes
    /// (delta debugging's ddmin) rather than in one machine per device.
    /// </summary>
    public static IEnumerable<Candidate> DropDeviceChunks(Candidate c)
    {
        int n = c.Machine.Devices.Length;
        for (int chunk = n / 2; chunk >= 2; chunk /= 2)
            for (int end = n; end - chunk >= 0; end -= chunk)
                yield return MachineEdit.Without(c, Enumerable.Range(end - chunk, chunk), [], []);
    }

    /// <summary>The machine without one device (and what hangs below it), leaves first.</summary>
    public static IEnumerable<Candidate> DropDevices(Candidate c)
    {
        for (int d = c.Machine.Devices.Length - 1; d >= 0; d--)
            yield return MachineEdit.Without(c, [d], [], []);
    }

    /// <summary>The machine without one driver.</summary>
    public static IEnumerable<Candidate> DropDrivers(Candidate c)
    {
        for (int d = c.Machine.Drivers.Length - 1; d >= 0; d--)
            yield return MachineEdit.Without(c, [], [d], []);
    }

    /// <summary>The machine without one IOMMU instance (and its device).</summary>
    public static IEnumerable<Candidate> DropIommus(Candidate c)
    {
        for (int i = c.Machine.Iommus.Length - 1; i >= 0; i--)
            yield return MachineEdit.Without(c, [], [], [i]);
    }
}
