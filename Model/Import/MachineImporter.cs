using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>
/// Builds a machine from dumps of a real one. The tree gives the PCI topology, `lspci -vvv` types,
/// ACS, drivers and SR-IOV, dmesg the drivers' order and the SR-IOV time; what no dump tells (IOMMU
/// instances, which one serves each host bridge, platform devices, link order) comes from the
/// base scenario, or is left out or guessed, and every guess is recorded.
/// </summary>
public static class MachineImporter
{
    public static ImportResult Import(ImportInputs input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var guesses = new List<Guess>(input.ReadGuesses);
        var b = input.Base;
        var arch = MachineDefaults.ArchOf(input, guesses);
        var era = MachineDefaults.EraOf(input, guesses);

        var pci = input.Tree is not null ? PciImport.Devices(input, arch, guesses)
            : b is not null ? BasePci(b) : throw new ArgumentException("an import needs an lspci tree or a base scenario", nameof(input));
        var devices = ImmutableArray.CreateBuilder<DeviceSpec>();
        foreach (var d in b?.Devices.Where(d => d.Pci is null) ?? [])
            devices.Add(d with { Index = devices.Count, Source = SourceLine.None });
        var (iommus, smmus) = b is not null ? (b.Iommus, []) : IommuUnits.Synthesize(input, arch, guesses);
        foreach (var smmu in smmus)
            devices.Add(smmu with { Index = devices.Count });
        var bridges = HostBridges(input, arch, iommus, b is null, guesses);
        var byName = new Dictionary<string, int>();
        foreach (var d in devices)
            byName[d.Name] = d.Index;
        foreach (var p in pci)
        {
            var hb = bridges.First(h => h.Domain == p.Address.Domain && h.RootBus == p.RootBus);
            var baseDev = b is not null && b.DeviceIndex(p.Name) is var bi and >= 0 ? b.Devices[bi] : null;
            var info = new PciInfo(p.Address.Domain, p.Address.Bus, p.Address.Devfn,
                p.Parent is null ? null : byName[p.Parent], p.Type, p.Multifunction, p.Acs, baseDev?.Pci?.AcsQuirk ?? false,
                [], p.PhysFn is null ? null : byName[p.PhysFn], p.Ids);
            byName[p.Name] = devices.Count;
            devices.Add(new DeviceSpec(devices.Count, p.Name, BusKind.Pci, hb.Firmware, hb.Iommu, baseDev?.Coherent ?? false,
                baseDev?.DmaRanges, baseDev?.CoherentMaskBits ?? 32, p.PhysFn is null, info, SourceLine.None));
        }
        bridges = VmdImport.Assign(bridges, devices, arch, guesses);
        var drivers = DriverImport.Drivers(input, devices.ToImmutable(), byName, smmus.Length > 0, guesses);
        iommus = [.. iommus.Select(i => i.Driver is null && i.Device is int dev && devices[dev].Bus == BusKind.Platform && arch != Arch.X86
            ? i with { Driver = drivers.First(d => d.Matches.Contains(dev)).Index } : i)];
        var variants = b?.Variants.WithEra(era) ?? Variants.ForEra(era);
        var machine = new Machine(input.Name, arch, variants, devices.ToImmutable(), drivers, iommus, bridges, [])
        {
            AcsOverride = AcsOverrideOf(input, guesses),
            DeferredProbeTimeout = DeferredProbeTimeoutOf(input, guesses),
        };
        guesses.AddRange(QuirkGuesses.Undecided(machine));
        return new ImportResult(machine with { Script = Script(input, machine, guesses) }, [.. guesses]);
    }

    /// <summary>
    /// `pcie_acs_override=` where the lspci text shows the kernel command line (else the base's):
    /// the out-of-tree ACS override patch, which no released kernel has; the groups of that boot
    /// are the patch's, and the scenario says so.
    /// </summary>
    private static Topology.Quirks.AcsOverride? AcsOverrideOf(ImportInputs input, List<Guess> guesses)
    {
        if (KernelCommandLine.AcsOverrideOf(input.KernelCommandLine) is not { } found)
            return input.Base?.AcsOverride;
        var ignored = found.Ignored.IsEmpty ? "" : $"; '{string.Join(",", found.Ignored)}' ignored, as pcie_acs_override_setup() ignores what it does not know";
        guesses.Add(new Guess(GuessSubject.AcsOverride, $"{found.Where.File}:{found.Where.Line} shows pcie_acs_override={found.Override.Text} "
            + "on the kernel command line: that kernel carries the out-of-tree ACS override patch (in no released kernel), whose "
            + $"pcie_acs_overrides() declares isolated what it names (docs/semantics.md, \"ACS\"){ignored}"));
        return found.Override;
    }

    /// <summary>
    /// `deferred_probe_timeout=` where the text shows the kernel command line (else the base's, else
    /// 10, the default with CONFIG_MODULES): the seconds after late_initcall until
    /// deferred_probe_timeout_work_func() runs (drivers/base/dd.c, v6.15; the 5.3 rules have no timeout work).
    /// </summary>
    private static int DeferredProbeTimeoutOf(ImportInputs input, List<Guess> guesses)
    {
        int fallback = input.Base?.DeferredProbeTimeout ?? 10;
        if (KernelCommandLine.DeferredProbeTimeoutOf(input.KernelCommandLine) is not { } found)
            return fallback;
        string where = $"{found.Where.File}:{found.Where.Line} shows deferred_probe_timeout={found.Text}";
        if (found.Seconds is not int seconds)
            return Guessed(guesses, GuessSubject.DeferredProbeTimeout,
                $"{where}, which deferred_probe_timeout_setup() cannot read (kstrtoint): the default {fallback} s is kept, as the kernel keeps it", fallback);
        if (seconds is < 0 or > Scenario.ScenarioLimits.MaxDeferredProbeTimeout)
            return Guessed(guesses, GuessSubject.DeferredProbeTimeout,
                $"{where}: {(seconds < 0 ? "no timeout at all" : $"{seconds} s")} is outside what a scenario can say "
                + $"(0 to {Scenario.ScenarioLimits.MaxDeferredProbeTimeout} s): {fallback} s written; edit kernel.deferred-probe-timeout if it matters", fallback);
        return Guessed(guesses, GuessSubject.DeferredProbeTimeout,
            $"{where}: the deferred-probe timeout runs {seconds} s after late_initcall (6.15 rules; the 5.3 rules have none)", seconds);
    }

    private static T Guessed<T>(List<Guess> guesses, string subject, string text, T value)
    {
        guesses.Add(new Guess(subject, text));
        return value;
    }

    private static ImmutableArray<ImportedPci> BasePci(Machine b) =>
        [.. b.Devices.Where(d => d.Pci is not null).Select(d => new ImportedPci(d.Name, Bdf.TryParse(d.Name)!.Value,
            d.Pci!.ParentBridge is int p ? b.Devices[p].Name : null, d.Pci.Type, d.Pci.Multifunction, d.Pci.Acs,
            d.Pci.PhysFn is int pf ? b.Devices[pf].Name : null, 0) { RootBus = RootBusOf(b, d), Ids = d.Pci.Ids })];

    private static int RootBusOf(Machine m, DeviceSpec d) =>
        d.Pci!.ParentBridge is int p ? RootBusOf(m, m.Devices[p]) : d.Pci.BusNumber;

    private static ImmutableArray<HostBridge> HostBridges(ImportInputs input, Arch arch, ImmutableArray<IommuSpec> iommus, bool synthesized, List<Guess> guesses)
    {
        var b = input.Base;
        var fromTree = input.Tree?.HostBridges.Select(h => (h.Domain, h.RootBus))
            ?? b!.HostBridges.Select(h => (h.Domain, h.RootBus));
        var result = ImmutableArray.CreateBuilder<HostBridge>();
        foreach (var (domain, rootBus) in fromTree.OrderBy(h => h.Domain).ThenBy(h => h.RootBus))
        {
            var baseHb = b?.HostBridges.FirstOrDefault(h => h.Domain == domain && h.RootBus == rootBus) ?? b?.HostBridges.FirstOrDefault(h => h.Domain == domain);
            var firmware = input.Firmware ?? baseHb?.Firmware
                ?? Guessed(guesses, GuessSubject.HostBridge(domain), "firmware acpi assumed (no --firmware)", Firmware.Acpi);
            int? iommu = baseHb?.Iommu;
            if (synthesized)
                iommu = IommuUnits.For(iommus, arch, domain);
            else if (baseHb is null && arch != Arch.X86)
                guesses.Add(new Guess(GuessSubject.HostBridge(domain), "which IOMMU translates this domain is unknown (not in the base scenario): none written"));
            result.Add(new HostBridge(domain, rootBus, firmware, iommu, SourceLine.None));
        }
        return result.ToImmutable();
    }

    /// <summary>The base scenario's script where its names still resolve, else `boot` and one sriov-enable per PF with VFs.</summary>
    private static ImmutableArray<ScriptAction> Script(ImportInputs input, Machine m, List<Guess> guesses)
    {
        var actions = ImmutableArray.CreateBuilder<ScriptAction>();
        if (input.Base is { } b)
        {
            foreach (var a in b.Script)
            {
                var mapped = Remap(b, m, a.Event);
                if (mapped is null)
                    guesses.Add(new Guess(GuessSubject.Script, $"base action '{EventText.Format(b, a.Event)}' dropped: it names something not imported"));
                else
                    actions.Add(a with { Event = mapped, Source = SourceLine.None });
            }
            return actions.ToImmutable();
        }
        actions.Add(new ScriptAction(new Boot(), null, SourceLine.None));
        var vfsOf = m.Devices.Where(v => v.Pci?.PhysFn is not null).ToLookup(v => v.Pci!.PhysFn!.Value, v => v.Name);
        foreach (var pf in m.Devices.Where(d => vfsOf.Contains(d.Index)))
        {
            var vfs = vfsOf[pf.Index].ToHashSet();
            var seen = input.Dmesg?.GroupLines.Where(g => vfs.Contains(g.Device)).Select(g => (long?)g.Micros).FirstOrDefault()
                ?? input.Dmesg?.Drivers.Where(g => vfs.Contains(g.Device)).Select(g => (long?)g.Micros).FirstOrDefault();
            long? at = seen is long micros ? micros / 100_000 * 100_000 : null;
            guesses.Add(new Guess(GuessSubject.Script, at is null
                ? $"sriov-enable {pf.Name} {vfs.Count}: when is unknown (no VF line in dmesg); right after boot"
                : $"sriov-enable {pf.Name} {vfs.Count}: at the first dmesg line of its VFs, rounded down to 0.1 s"));
            actions.Add(new ScriptAction(new SriovEnable(pf.Index, vfs.Count), at, SourceLine.None));
        }
        var ordered = actions.Skip(1).OrderBy(a => a.AtMicros ?? 0).ToList();
        for (int i = 1; i < ordered.Count; i++)
            if (ordered[i].AtMicros is null)
                ordered[i] = ordered[i] with { AtMicros = ordered[i - 1].AtMicros };
        return [actions[0], .. ordered];
    }

    private static Event? Remap(Machine from, Machine to, Event e)
    {
        int Dev(int d) => to.DeviceIndex(from.Devices[d].Name);
        int Drv(int d) => to.DriverIndex(from.Drivers[d].Name);
        int Mmu(int i) => to.IommuIndex(from.Iommus[i].Name);
        Event? Ok(bool ok, Event mapped) => ok ? mapped : null;
        return e switch
        {
            Boot or DeferredWork or LateInitcall => e,
            Modprobe p => Ok(Drv(p.Driver) >= 0, new Modprobe(Drv(p.Driver))),
            Rmmod r => Ok(Drv(r.Driver) >= 0, new Rmmod(Drv(r.Driver))),
            SriovEnable s => Ok(Dev(s.PhysFn) >= 0 && to.Devices.Count(v => v.Pci?.PhysFn == Dev(s.PhysFn)) >= s.Count, new SriovEnable(Dev(s.PhysFn), s.Count)),
            Unbind u => Ok(Dev(u.Device) >= 0, new Unbind(Dev(u.Device))),
            Bind x => Ok(Dev(x.Device) >= 0 && Drv(x.Driver) >= 0, new Bind(Dev(x.Device), Drv(x.Driver))),
            HotAdd h => Ok(Dev(h.Device) >= 0, new HotAdd(Dev(h.Device))),
            HotRemove h => Ok(Dev(h.Device) >= 0, new HotRemove(Dev(h.Device))),
            FailNextProbe f => Ok(Dev(f.Device) >= 0, new FailNextProbe(Dev(f.Device), f.Errno)),
            FailNextAttach f => Ok(Dev(f.Device) >= 0, new FailNextAttach(Dev(f.Device))),
            FailDomainAlloc f => Ok(Mmu(f.Iommu) >= 0, new FailDomainAlloc(Mmu(f.Iommu))),
            _ => null,
        };
    }
}
