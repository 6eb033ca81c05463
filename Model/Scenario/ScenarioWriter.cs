using System.Globalization;
using System.Text;
using Checker.Model.Events;
using Checker.Model.State;

namespace Checker.Model.Scenario;

/// <summary>
/// Writes a machine as scenario YAML (docs/scenario-format.md) that <see cref="ScenarioLoader"/>
/// reads back into the same machine. COMMENTS, keyed by subject (`device NAME`, `driver NAME`,
/// `host-bridge DDDD`, `machine`, `script`), are written as `#` lines above what they describe.
/// </summary>
public static class ScenarioWriter
{
    public static string Write(Machine m, ILookup<string, string>? comments = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        comments ??= Array.Empty<(string, string)>().ToLookup(c => c.Item1, c => c.Item2);
        var w = new StringBuilder();
        void Comments(string subject, string indent)
        {
            foreach (var c in comments[subject])
                w.Append(indent).Append("# guess: ").Append(c.ReplaceLineEndings(" ")).Append('\n');
        }

        Comments("machine", "");
        w.Append("name: ").Append(Quote(m.Name)).Append('\n');
        w.Append("kernel:\n  arch: ").Append(m.Arch switch { Arch.Arm64 => "arm64", Arch.Arm => "arm", _ => "x86" }).Append('\n');
        if (m.Variants.Era != KernelEra.V5_3)
            w.Append("  version: ").Append(Quote(m.Variants.Era.Version())).Append('\n');
        if (m.AcsOverride is { } acsOverride)
        {
            Comments("kernel pcie-acs-override", "  ");
            w.Append("  pcie-acs-override: ").Append(Quote(acsOverride.Text)).Append('\n');
        }
        if (m.DeferredProbeTimeout != Machine.DefaultDeferredProbeTimeout || comments["kernel deferred-probe-timeout"].Any())
        {
            Comments("kernel deferred-probe-timeout", "  ");
            w.Append("  deferred-probe-timeout: ").Append(Num(m.DeferredProbeTimeout)).Append('\n');
        }
        var pairs = m.Variants.NonDefaultPairs().ToList();
        if (pairs.Count > 0)
        {
            w.Append("  variants:\n");
            foreach (var p in pairs)
                w.Append("    ").Append(p[..p.IndexOf('=')]).Append(": ").Append(Quote(p[(p.IndexOf('=') + 1)..])).Append('\n');
        }

        w.Append("\niommus:\n");
        foreach (var i in m.Iommus)
        {
            w.Append("  - { name: ").Append(Quote(i.Name));
            if (i.Device is int dev)
                w.Append(", device: ").Append(Quote(m.Devices[dev].Name));
            if (i.Driver is int drv)
                w.Append(", driver: ").Append(Quote(m.Drivers[drv].Name));
            if (i.Contexts is int c)
                w.Append(", contexts: ").Append(Num(c));
            if (i.DeferForever)
                w.Append(", defer-forever: true");
            w.Append(" }\n");
        }

        w.Append("\nhost-bridges:\n");
        foreach (var h in m.HostBridges)
        {
            Comments($"host-bridge {PciDomain.Format(h.Domain)}", "  ");
            w.Append(CultureInfo.InvariantCulture, $"  - {{ domain: \"{PciDomain.Format(h.Domain)}\", root-bus: \"{h.RootBus:x2}\", firmware: {FirmwareWord(h.Firmware)}");
            if (h.Vmd is int vmd)
                w.Append(", vmd: ").Append(Quote(m.Devices[vmd].Name));
            else if (h.Iommu is int i)
                w.Append(", iommu: ").Append(Quote(m.Iommus[i].Name));
            w.Append(" }\n");
        }

        w.Append("\ndevices:\n");
        foreach (var d in m.Devices)
        {
            Comments("device " + d.Name, "  ");
            w.Append("  - ").Append(Device(m, d)).Append('\n');
        }

        w.Append("\ndrivers:\n");
        foreach (var d in m.Drivers)
        {
            Comments("driver " + d.Name, "  ");
            w.Append("  - ").Append(Driver(m, d)).Append('\n');
        }

        w.Append("\nscript:\n");
        Comments("script", "  ");
        foreach (var a in m.Script)
            w.Append("  - ").Append(Action(m, a)).Append('\n');
        return w.ToString();
    }

    private static string Device(Machine m, DeviceSpec d)
    {
        var f = new List<string> { "name: " + Quote(d.Name), "bus: " + d.Bus.BusName() };
        if (d.Pci is not { } p)
        {
            f.Add("firmware: " + FirmwareWord(d.Firmware));
            if (d.Iommu is int i)
                f.Add("iommu: " + Quote(m.Iommus[i].Name));
        }
        else
        {
            if (p.ParentBridge is int parent)
                f.Add("parent: " + Quote(m.Devices[parent].Name));
            if (p.Type != PcieType.Endpoint)
                f.Add("type: " + p.Type.TypeName());
            if (p.Multifunction)
                f.Add("multifunction: true");
            if (p.Acs != AcsFlags.None)
                f.Add("acs: [" + string.Join(", ", AcsWords(p.Acs)) + "]");
            if (p.AcsQuirk)
                f.Add("acs-quirk: true");
            if (!p.DmaAliasOf.IsEmpty)
                f.Add("dma-alias-of: [" + string.Join(", ", p.DmaAliasOf.Select(a => Quote(m.Devices[a].Name))) + "]");
            if (p.PhysFn is int pf)
                f.Add("physfn: " + Quote(m.Devices[pf].Name));
            if (p.Ids is { } ids)
            {
                if (ids.Vendor is int vendor)
                    f.Add(string.Create(CultureInfo.InvariantCulture, $"vendor: \"{vendor:x4}\""));
                if (ids.Device is int device)
                    f.Add(string.Create(CultureInfo.InvariantCulture, $"device: \"{device:x4}\""));
                if (ids.Class is int cls)
                    f.Add(string.Create(CultureInfo.InvariantCulture, $"class: \"{cls:x6}\""));
                if (ids.AcsCapability is bool cap)
                    f.Add("acs-capability: " + (cap ? "true" : "false"));
            }
        }
        if (d.Coherent)
            f.Add("coherent: true");
        if (d.DmaRanges is { } r)
            f.Add(string.Create(CultureInfo.InvariantCulture, $"dma-ranges: {{ base: 0x{r.Base:x}, size: 0x{r.Size:x} }}"));
        if (d.CoherentMaskBits != 32)
            f.Add("coherent-mask: " + Num(d.CoherentMaskBits));
        if (!d.PresentAtBoot)
            f.Add("present: false");
        return "{ " + string.Join(", ", f) + " }";
    }

    private static string Driver(Machine m, DriverSpec d)
    {
        var f = new List<string> { "name: " + Quote(d.Name), "bus: " + d.Bus.BusName(),
            "matches: [" + string.Join(", ", d.Matches.Select(i => Quote(m.Devices[i].Name))) + "]" };
        if (!d.Arrival.Builtin)
            f.Add("arrival: module");
        else
        {
            if (d.Arrival.Level != InitcallLevel.Device)
                f.Add("initcall: " + d.Arrival.Level.ToString().ToLowerInvariant());
            if (d.Arrival.LinkOrder != d.Index)
                f.Add("link-order: " + Num(d.Arrival.LinkOrder));
        }
        switch (d.Probe)
        {
            case ProbeBehaviour.FailsWith fails:
                f.Add("probe: { fail: " + Errno.Name(fails.Errno) + " }");
                break;
            case ProbeBehaviour.DefersUntilBound until:
                f.Add("probe: { defer-until-bound: " + Quote(m.Devices[until.Supplier].Name) + " }");
                break;
        }
        if (d.ArmIommuAttach)
            f.Add("arm-iommu-attach: true");
        return "{ " + string.Join(", ", f) + " }";
    }

    private static string Action(Machine m, ScriptAction a)
    {
        string Dev(int d) => Quote(m.Devices[d].Name);
        string Drv(int d) => Quote(m.Drivers[d].Name);
        var body = a.Event switch
        {
            Boot => "do: boot",
            Modprobe p => "do: modprobe, driver: " + Drv(p.Driver),
            Rmmod r => "do: rmmod, driver: " + Drv(r.Driver),
            SriovEnable s => $"do: sriov-enable, pf: {Dev(s.PhysFn)}, count: {Num(s.Count)}",
            Unbind u => "do: unbind, dev: " + Dev(u.Device),
            Bind b => $"do: bind, dev: {Dev(b.Device)}, driver: {Drv(b.Driver)}",
            HotAdd h => "do: hot-add, dev: " + Dev(h.Device),
            HotRemove h => "do: hot-remove, dev: " + Dev(h.Device),
            DeferredWork => "do: wait",
            FailNextProbe f => $"do: fail-next-probe, dev: {Dev(f.Device)}, errno: {Errno.Name(f.Errno)}",
            FailNextAttach f => "do: fail-next-attach, dev: " + Dev(f.Device),
            FailDomainAlloc f => "do: fail-domain-alloc, iommu: " + Quote(m.Iommus[f.Iommu].Name),
            _ => throw new ArgumentException($"no script form for {a.Event}", nameof(a)),
        };
        return a.AtMicros is long at
            ? string.Create(CultureInfo.InvariantCulture, $"{{ at: {at / 1_000_000}.{at % 1_000_000:D6}, {body} }}")
            : "{ " + body + " }";
    }

    private static IEnumerable<string> AcsWords(AcsFlags acs)
    {
        if (acs.HasFlag(AcsFlags.SourceValidation)) yield return "SV";
        if (acs.HasFlag(AcsFlags.RequestRedirect)) yield return "RR";
        if (acs.HasFlag(AcsFlags.CompletionRedirect)) yield return "CR";
        if (acs.HasFlag(AcsFlags.UpstreamForwarding)) yield return "UF";
    }

    private static string FirmwareWord(Firmware f) => f == Firmware.Acpi ? "acpi" : "dt";

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A YAML double-quoted scalar: backslash and quote escaped, control characters as \xNN.</summary>
    public static string Quote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (char c in s)
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => c.ToString(),
            });
        return b.Append('"').ToString();
    }
}
