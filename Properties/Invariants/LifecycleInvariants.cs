using Checker.Model.Semantics;
using Checker.Model.State;
using static Checker.Properties.Invariants.GroupInvariants;

namespace Checker.Properties.Invariants;

/// <summary>The invariants about binding and IOMMU driver reloads.</summary>
public static class LifecycleInvariants
{
    /// <summary>
    /// At quiescence every present device that a registered driver matches is bound, unless its
    /// probe is scripted to fail, a user unbound it, or it waits for a supplier (an IOMMU instance,
    /// a device-link supplier, a parent bridge under `defer-to-parent`) whose driver is a module not
    /// loaded yet or that a user unbound. A device kept waiting by a supplier whose own probe
    /// failed, or that never binds, is a violation (the D05 thread: "if the port driver fails in
    /// probing ... the child device will never probe").
    /// </summary>
    public static readonly Invariant EveryMatchedDeviceBinds = new(
        nameof(EveryMatchedDeviceBinds),
        "at quiescence, every present device with a matching driver whose probe is not scripted to fail is bound (devices a user unbound, or that wait for a module not loaded yet, excepted)",
        s =>
        {
            if (!s.Quiescent)
                return null;
            var w = s.After;
            var findings = new List<Finding>();
            foreach (int dev in w.BusList)
            {
                var d = w.Device(dev);
                if (d.IsBound || d.InjectedFailure || d.Detached)
                    continue;
                var willing = w.Machine.Index.DriversMatching[dev].Where(drv => w.DriverRegistered[drv] && Willing(w, drv)).ToList();
                if (willing.Count == 0 || ExcusedWait(w, dev, 0))
                    continue;
                findings.Add(new Finding(
                    $"{Name(w, dev)} is {d.Status.ToString().ToLowerInvariant()} at quiescence although {w.Machine.Drivers[willing[0]].Name} matches it{WaitText(w, dev)}",
                    [Name(w, dev)]));
            }
            return Violation.Of(nameof(EveryMatchedDeviceBinds), findings);
        });

    /// <summary>
    /// Whether DEV waits for something that is allowed to be missing at quiescence: an IOMMU
    /// instance or a supplier whose driver is a module nobody loaded yet, or a supplier a user
    /// unbound (or that itself waits for one of those).
    /// </summary>
    private static bool ExcusedWait(World w, int dev, int depth)
    {
        var wait = Kernel.WaitingFor(w, dev);
        if (!wait.Waiting || depth > 8)
            return false;
        if (wait.Instance is int inst)
        {
            var iommu = w.Machine.Iommus[inst];
            if (iommu.Driver is int drv && ModuleNotLoaded(w, drv))
                return true;
            return iommu.Device is int own && w.Device(own).Present && !w.Device(own).IsBound && ExcusedSupplier(w, own, depth);
        }
        return ExcusedSupplier(w, wait.Supplier!.Value, depth);
    }

    private static bool ExcusedSupplier(World w, int supplier, int depth)
    {
        var d = w.Device(supplier);
        if (d.Detached)
            return true;
        var drivers = w.Machine.Index.DriversMatching[supplier];
        if (!drivers.IsEmpty && drivers.All(drv => ModuleNotLoaded(w, drv)))
            return true;
        return ExcusedWait(w, supplier, depth + 1);
    }

    private static bool ModuleNotLoaded(World w, int drv) => !w.Machine.Drivers[drv].Arrival.Builtin && !w.DriverRegistered[drv];

    private static string WaitText(World w, int dev)
    {
        var wait = Kernel.WaitingFor(w, dev);
        if (wait.Instance is int inst)
            return $" (it waits for {w.Machine.Iommus[inst].Name}, which will not register)";
        return wait.Supplier is int s ? $" (it waits for {Name(w, s)}, which is {w.Device(s).Status.ToString().ToLowerInvariant()})" : "";
    }

    /// <summary>After rmmod and modprobe of an IOMMU driver nothing points at the old instance, and it registers again.</summary>
    public static readonly Invariant IommuReloadIsClean = new(
        nameof(IommuReloadIsClean),
        "after rmmod and modprobe of an IOMMU driver, no device references a freed group or an unregistered or stale instance, and the instance registers again",
        s =>
        {
            var w = s.After;
            var findings = new List<Finding>();
            foreach (var spec in w.Machine.Iommus)
            {
                var inst = w.Instances[spec.Index];
                if (inst.Unregistrations == 0 || spec.Driver is not int drv || !w.DriverRegistered[drv])
                    continue;
                if (!inst.Registered && spec.Device is int own && w.Device(own).Present)
                    Bad(own, $"{w.Machine.Drivers[drv].Name} is loaded again but {spec.Name} did not register again");
                foreach (int dev in w.BusList)
                {
                    var d = w.Device(dev);
                    if (d.IsGrouped && !w.Groups.ContainsKey(d.Group))
                        Bad(dev, $"{Name(w, dev)} references freed group {d.Group}");
                    else if (d.IsGrouped && w.Groups[d.Group] is { } g && g.Instance == spec.Index && g.Generation != inst.Generation)
                        Bad(dev, $"{Name(w, dev)} is in group {g.Id}, formed by {spec.Name} generation {g.Generation}; the instance is now generation {inst.Generation}");
                    if (d.Ops.Instance == spec.Index && d.Ops.Generation != inst.Generation)
                        Bad(dev, $"{Name(w, dev)} uses {d.Ops.Describe(w.Machine)}; the instance is now generation {inst.Generation}");
                }
            }
            return Violation.Of(nameof(IommuReloadIsClean), findings);

            void Bad(int dev, string message) => findings.Add(new Finding(message, [Name(w, dev)]));
        });

    /// <summary>A driver whose probe can succeed for this device now: not scripted to fail, not waiting on an unbound supplier of its own.</summary>
    private static bool Willing(World w, int drv) => w.Machine.Drivers[drv].Probe switch
    {
        ProbeBehaviour.FailsWith => false,
        ProbeBehaviour.DefersUntilBound d => w.Device(d.Supplier).IsBound,
        _ => true,
    };
}
