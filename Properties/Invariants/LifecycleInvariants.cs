using Checker.Model.State;
using static Checker.Properties.Invariants.GroupInvariants;

namespace Checker.Properties.Invariants;

/// <summary>The invariants about binding and IOMMU driver reloads.</summary>
public static class LifecycleInvariants
{
    /// <summary>At quiescence every present device with a registered matching driver whose probe is not scripted to fail is bound.</summary>
    public static readonly Invariant EveryMatchedDeviceBinds = new(
        nameof(EveryMatchedDeviceBinds),
        "at quiescence, every present device with a matching driver whose probe is not scripted to fail is bound (devices a user unbound or whose driver was unloaded excepted)",
        s =>
        {
            if (!s.Quiescent)
                return null;
            var w = s.After;
            foreach (int dev in w.BusList)
            {
                var d = w.Devices[dev];
                if (d.IsBound || d.InjectedFailure || d.Detached)
                    continue;
                var willing = w.Machine.Index.DriversMatching[dev].Where(drv => w.DriverRegistered[drv] && Willing(w, drv)).ToList();
                if (willing.Count > 0)
                    return new Violation(nameof(EveryMatchedDeviceBinds),
                        $"{Name(w, dev)} is {d.Status.ToString().ToLowerInvariant()} at quiescence although {w.Machine.Drivers[willing[0]].Name} matches it",
                        [Name(w, dev)]);
            }
            return null;
        });

    /// <summary>After rmmod and modprobe of an IOMMU driver nothing points at the old instance, and it registers again.</summary>
    public static readonly Invariant IommuReloadIsClean = new(
        nameof(IommuReloadIsClean),
        "after rmmod and modprobe of an IOMMU driver, no device references a freed group or an unregistered or stale instance, and the instance registers again",
        s =>
        {
            var w = s.After;
            foreach (var spec in w.Machine.Iommus)
            {
                var inst = w.Instances[spec.Index];
                if (inst.Unregistrations == 0 || spec.Driver is not int drv || !w.DriverRegistered[drv])
                    continue;
                if (!inst.Registered && spec.Device is int own && w.Devices[own].Present)
                    return new Violation(nameof(IommuReloadIsClean),
                        $"{w.Machine.Drivers[drv].Name} is loaded again but {spec.Name} did not register again", [Name(w, own)]);
                foreach (int dev in w.BusList)
                {
                    var d = w.Devices[dev];
                    if (d.IsGrouped && !w.Groups.ContainsKey(d.Group))
                        return Bad(dev, $"{Name(w, dev)} references freed group {d.Group}");
                    if (d.IsGrouped && w.Groups[d.Group] is { } g && g.Instance == spec.Index && g.Generation != inst.Generation)
                        return Bad(dev, $"{Name(w, dev)} is in group {g.Id}, formed by {spec.Name} generation {g.Generation}; the instance is now generation {inst.Generation}");
                    if (d.Ops.Instance == spec.Index && d.Ops.Generation != inst.Generation)
                        return Bad(dev, $"{Name(w, dev)} uses {d.Ops.Describe(w.Machine)}; the instance is now generation {inst.Generation}");
                }
            }
            return null;

            Violation Bad(int dev, string message) => new(nameof(IommuReloadIsClean), message, [Name(w, dev)]);
        });

    /// <summary>A driver whose probe can succeed for this device now: not scripted to fail, not waiting on an unbound supplier of its own.</summary>
    private static bool Willing(World w, int drv) => w.Machine.Drivers[drv].Probe switch
    {
        ProbeBehaviour.FailsWith => false,
        ProbeBehaviour.DefersUntilBound d => w.Devices[d.Supplier].IsBound,
        _ => true,
    };
}
