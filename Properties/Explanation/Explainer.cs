using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Model.Topology;
using Checker.Properties.Exploration;
using Checker.Properties.Invariants;

namespace Checker.Properties.Explanation;

/// <summary>
/// Explains a counterexample from its trace, in the kernel's terms: the run is stepped again and,
/// after each event, the changes to the devices the violation involves (the violated devices, the
/// bridges pci_device_group() walks from them, their IOMMU instances' devices) are read off the
/// two worlds. A device that joins a group is explained by replaying pci_device_group()'s search
/// on the world before the step; a device without a group is explained by its own history (not
/// added, deferred at event j and why, never probed and why). Each event's role comes from
/// running the sequence without it. Nothing here knows a particular bug or scenario.
/// </summary>
public static class Explainer
{
    public static Explanation Explain(Counterexample cx, Invariant invariant)
    {
        var m = cx.Machine;
        var events = cx.Events;
        var worlds = new World[events.Length + 1];
        worlds[0] = Kernel.Boot(m);
        for (int i = 0; i < events.Length; i++)
            worlds[i + 1] = Kernel.Step(worlds[i], events[i]);
        var involved = Involved(m, cx.Violation);
        var history = new History(m, events, worlds);
        var steps = ImmutableArray.CreateBuilder<CausalStep>();
        for (int i = 0; i < events.Length; i++)
        {
            var (role, neededBy) = Role(m, events, i, invariant);
            steps.Add(new CausalStep(i + 1, EventText.Format(m, events[i]), role, neededBy, [.. history.Changes(i, involved)]));
        }
        var last = steps.Count > 0 ? steps[^1].Changes.LastOrDefault(c => c.Reason is not null) : null;
        string summary = last is null ? cx.Violation.Message
            : $"{cx.Violation.Message}: at event {events.Length}, {last.Function}({last.Device}) {last.Change}, because {last.Reason}";
        return new Explanation(summary, steps.ToImmutable(), involved);
    }

    /// <summary>The devices the violation names, the bridges pci_device_group() walks from them, and their IOMMU instances' devices.</summary>
    public static ImmutableHashSet<int> Involved(Machine m, Violation v)
    {
        var set = ImmutableHashSet.CreateBuilder<int>();
        foreach (var name in v.Devices)
        {
            int d = m.DeviceIndex(name);
            if (d < 0)
                continue;
            set.Add(d);
            foreach (int c in m.Index.PciWalk[d])
                set.Add(c);
        }
        foreach (int d in set.ToList())
            if (m.Devices[d].Iommu is int inst && m.Iommus[inst].Device is int iommuDevice)
                set.Add(iommuDevice);
        return set.ToImmutable();
    }

    /// <summary>
    /// The run without event I: enabling when a later event is then not possible (NEEDEDBY, 1-based),
    /// necessary when it runs through without the violation, unneeded when the violation stays.
    /// </summary>
    private static (EventRole, int?) Role(Machine m, ImmutableArray<Event> events, int skip, Invariant invariant)
    {
        var w = Kernel.Boot(m);
        for (int j = 0; j < events.Length; j++)
        {
            if (j == skip)
                continue;
            if (!Kernel.IsEnabled(w, events[j]))
                return (EventRole.Enabling, j + 1);
            var before = w;
            w = Kernel.Step(w with { Quiet = true }, events[j]);
            if (invariant.Check(new StepView(before, events[j], w)) is not null)
                return (EventRole.Unneeded, null);
        }
        return (EventRole.Necessary, null);
    }

    /// <summary>The worlds of the run, read for what each event changed and why.</summary>
    private sealed class History(Machine m, ImmutableArray<Event> events, World[] worlds)
    {
        public IEnumerable<CausalChange> Changes(int i, ImmutableHashSet<int> involved)
        {
            var before = worlds[i];
            var after = worlds[i + 1];
            foreach (int d in involved.Order())
            {
                var x = before.Device(d);
                var y = after.Device(d);
                string name = m.Devices[d].Name;
                if (!x.Present && y.Present)
                    yield return new CausalChange("device_add", name, "added", null);
                if (x.Present && !y.Present)
                    yield return new CausalChange("device_del", name, "removed", null);
                if (x.Status != y.Status)
                {
                    switch (y.Status)
                    {
                        case ProbeStatus.Deferred:
                            yield return new CausalChange("driver_deferred_probe_add", name, "probe deferred", WhyDeferred(i, d));
                            break;
                        case ProbeStatus.Bound:
                            yield return new CausalChange("driver_bound", name, $"bound to {m.Drivers[y.Driver].Name}", null);
                            break;
                        case ProbeStatus.Failed:
                            yield return new CausalChange("really_probe", name, "probe failed", null);
                            break;
                        default:
                            yield return new CausalChange("device_release_driver", name, "unbound", null);
                            break;
                    }
                }
                if (!x.IsGrouped && y.IsGrouped)
                    yield return GroupAdd(i, d, y.Group);
                if (x.IsGrouped && !y.IsGrouped)
                    yield return new CausalChange("iommu_group_remove_device", name, $"left group {x.Group}", null);
                if (x.Ops != y.Ops)
                    yield return new CausalChange(y.Ops.IsSet ? "arch_setup_dma_ops" : "arch_teardown_dma_ops", name,
                        $"dma ops {Ops(x.Ops)} -> {Ops(y.Ops)}", null);
                if (x.Coherent != y.Coherent)
                    yield return new CausalChange("arch_setup_dma_ops", name, $"coherent {(y.Coherent ? "set" : "cleared")}", null);
                if (x.CoherentMask != y.CoherentMask)
                    yield return new CausalChange("of_dma_configure", name, $"coherent mask 0x{x.CoherentMask:x} -> 0x{y.CoherentMask:x}", null);
            }
            for (int inst = 0; inst < m.Iommus.Length; inst++)
            {
                if (m.Iommus[inst].Device is not int dev || !involved.Contains(dev))
                    continue;
                if (!before.Instances[inst].Registered && after.Instances[inst].Registered)
                    yield return new CausalChange("iommu_device_register", m.Devices[dev].Name, $"{m.Iommus[inst].Name} registered", null);
                if (before.Instances[inst].Registered && !after.Instances[inst].Registered)
                    yield return new CausalChange("iommu_device_unregister", m.Devices[dev].Name, $"{m.Iommus[inst].Name} unregistered", null);
            }
        }

        /// <summary>DEV joined GROUP at event I: which group pci_device_group() found, or why it found none.</summary>
        private CausalChange GroupAdd(int i, int dev, int group)
        {
            var before = worlds[i];
            string name = m.Devices[dev].Name;
            if (m.Devices[dev].Pci is null)
                return new CausalChange("iommu_group_add_device", name, $"new group {group}", "a platform or AMBA device never shares a group (generic_device_group)");
            // Groups as DEV's search saw them: those before the event and those the event made before DEV's (its trace order).
            var earlier = new Dictionary<int, int>();
            for (int c = 0; c < m.Devices.Length; c++)
                if (before.Device(c).IsGrouped)
                    earlier[c] = before.Device(c).Group;
            foreach (var t in worlds[i + 1].Trace.OfType<GroupAddTrace>().TakeWhile(t => t.Device != dev))
                earlier[t.Device] = t.Group;
            bool walkDown = before.Variants.Groups == GroupsVariant.WalkDown;
            var candidates = PciDeviceGroup.Candidates(m, dev, c => before.Device(c).Present || worlds[i + 1].Device(c).Present, walkDown)
                .Where(c => c != dev).Distinct().ToList();
            int found = candidates.FirstOrDefault(earlier.ContainsKey, -1);
            if (found >= 0)
                return new CausalChange("pci_device_group", name, $"joined group {group}", $"its search met {m.Devices[found].Name}, already in group {earlier[found]}");
            var walk = m.Index.PciWalk[dev];
            int top = walk[^1];
            var parts = new List<string>();
            (string Text, int Event)? ungrouped = top != dev ? WhyUngrouped(i, top) : null;
            if (ungrouped is { } u)
                parts.Add($"it walked up to {m.Devices[top].Name}, which had no group: {u.Text}");
            else
                parts.Add($"ACS above {name} isolates it, so the search starts from {name} itself");
            var others = candidates.Where(c => c != top && walk.Contains(c) is false && worlds[i + 1].Device(c).Present).Select(c => m.Devices[c].Name).ToList();
            if (others.Count > 0)
                parts.Add($"none of the other devices it looks at ({string.Join(", ", others)}) had a group");
            var missed = earlier.Keys.Order()
                .Where(c => c != dev && m.Devices[c].Pci is not null && m.Devices[c].Iommu == m.Devices[dev].Iommu
                    && !candidates.Contains(c) && PciBus.Ancestors(m, c).Contains(top))
                .Select(c => $"{m.Devices[c].Name} (group {earlier[c]})").ToList();
            if (missed.Count > 0)
                parts.Add($"it never looks at {string.Join(", ", missed)} below {m.Devices[top].Name}: from {m.Devices[top].Name} the search checks only its DMA aliases"
                    + (m.Devices[top].Pci!.Multifunction ? " and its other functions" : " and, were it multifunction, its other functions"));
            return new CausalChange("pci_device_group", name, $"new group {group}", string.Join("; ", parts))
            {
                Via = ungrouped is null ? null : m.Devices[top].Name,
                ViaEvent = ungrouped is { Event: >= 0 } v ? v.Event + 1 : null,
            };
        }

        /// <summary>Why DEV had no group just before event I, from its own history.</summary>
        private (string Text, int Event) WhyUngrouped(int i, int dev)
        {
            var d = worlds[i].Device(dev);
            int added = LastChange(i, dev, s => s.Present);
            string addedAt = added >= 0 ? $"added at event {added + 1}" : "added";
            if (!d.Present)
                return ("it was not added yet", -1);
            switch (d.Status)
            {
                case ProbeStatus.Deferred:
                    int deferred = LastChange(i, dev, s => s.Status == ProbeStatus.Deferred);
                    return ($"its probe was deferred at event {deferred + 1} ({EventText.Format(m, events[deferred])}) because {WhyDeferred(deferred, dev)}", deferred);
                case ProbeStatus.Failed:
                    int failed = LastChange(i, dev, s => s.Status == ProbeStatus.Failed);
                    return ($"its probe failed at event {failed + 1}", failed);
                case ProbeStatus.Bound:
                    int bound = LastChange(i, dev, s => s.IsBound);
                    return (WhyBoundUngrouped(bound, dev), bound);
            }
            var drivers = m.Index.DriversMatching[dev];
            // Under the probe-time rules a device is grouped in dma_configure, when a driver probes it.
            string atProbe = worlds[i].Variants.Groups is GroupsVariant.PerInstance or GroupsVariant.BusReplay || m.Arch == Arch.X86
                ? "" : " (a device joins its group in dma_configure, when a driver probes it)";
            if (drivers.IsEmpty)
                return ($"it was {addedAt} and never probed: no driver in this run matches it{atProbe}", added);
            var registered = drivers.Where(r => worlds[i].DriverRegistered[r]).ToList();
            if (registered.Count == 0)
                return ($"it was {addedAt} but not probed yet: {string.Join(" or ", drivers.Select(r => m.Drivers[r].Name))}, which matches it, was not registered yet{atProbe}", added);
            return ($"it was {addedAt} but not probed yet{atProbe}", added);
        }

        /// <summary>
        /// Why DEV was bound at event I (0-based) without a group, from what that event did: the group
        /// add failed (iommu_group_add_device returning an error, logged as "Failed to add to iommu
        /// group"), its IOMMU was not registered when dma_configure ran, or it is behind no IOMMU.
        /// </summary>
        private string WhyBoundUngrouped(int i, int dev)
        {
            string at = i >= 0 ? $" at event {i + 1}" : "";
            if (i >= 0)
            {
                string name = m.Devices[dev].Name;
                var failed = worlds[i + 1].Log.Lines.Skip(worlds[i].Log.Count)
                    .LastOrDefault(l => l.Text.Contains(name, StringComparison.Ordinal)
                        && l.Text.Contains("Failed to add to iommu group", StringComparison.Ordinal));
                if (failed is not null)
                    return $"it was bound{at} without a group: adding it to its group failed (\"{failed.Text}\")";
            }
            if (m.Devices[dev].Iommu is not int inst)
                return $"it was bound{at} and is behind no IOMMU, so it has no group";
            bool registered = i >= 0 && worlds[i + 1].Instances[inst].Registered;
            return registered
                ? $"it was bound{at} without a group"
                : $"it was bound{at} while {m.Iommus[inst].Name} was not registered, so dma_configure gave it no group";
        }

        /// <summary>Why DEV's probe was deferred at event I (0-based).</summary>
        private string WhyDeferred(int i, int dev)
        {
            var after = worlds[i + 1];
            var line = after.Log.Lines.Skip(worlds[i].Log.Count)
                .LastOrDefault(l => l.Device == dev && l.Tag == LogTag.ProbeDeferred);
            if (line is not null && line.Text.Contains("supplier", StringComparison.Ordinal))
                return line.Text;
            var spec = m.Devices[dev];
            if (spec.Iommu is int inst && !after.Instances[inst].Registered)
            {
                var iommu = m.Iommus[inst];
                string driver = iommu.Driver is int r ? m.Drivers[r].Name : "its IOMMU driver";
                return $"{driver} had not registered {iommu.Name}"
                    + (iommu.Device is int idev && !after.Device(idev).Present ? $" ({m.Devices[idev].Name} not added yet)" : "");
            }
            if (spec.Pci?.ParentBridge is int parent && after.Variants.Groups == GroupsVariant.DeferToParent)
                return $"its parent bridge {m.Devices[parent].Name} was not probed yet (defer-to-parent)";
            return line?.Text ?? "its driver's probe returned -EPROBE_DEFER";
        }

        private string Ops(DmaOps ops) => ops.Kind.OpsName()
            + (ops.Instance >= 0 ? $" via {m.Iommus[ops.Instance].Name}" : "")
            + (ops.Owner == DmaOps.ArchOwner ? " (arch)" : ops.Owner >= 0 ? $" ({m.Drivers[ops.Owner].Name})" : "");

        /// <summary>The last event before I (0-based) after which HOLDS became true of DEV, or -1.</summary>
        private int LastChange(int i, int dev, Func<DeviceState, bool> holds)
        {
            for (int j = i - 1; j >= 0; j--)
                if (holds(worlds[j + 1].Device(dev)) && !holds(worlds[j].Device(dev)))
                    return j;
            return -1;
        }
    }
}
