using System.Collections.Immutable;
using Checker.Model.State;
using YamlDotNet.RepresentationModel;

namespace Checker.Model.Scenario;

/// <summary>
/// Reads a scenario (docs/scenario-format.md) into a validated <see cref="Machine"/>. It takes the
/// text, never a path to open: the CLI does the I/O. Reading goes in two passes: the lists are
/// read as written (fields, types, ranges), then names are resolved and the machine is checked
/// as a whole (references, the PCI tree, cycles) and the script is resolved against it.
/// </summary>
public static class ScenarioLoader
{
    private static readonly ImmutableArray<string> TopFields =
        ["name", "description", "kernel", "iommus", "host-bridges", "devices", "drivers", "script"];
    private static readonly ImmutableArray<string> KernelFields = ["arch", "version", "variants", "deferred-probe-timeout", "pcie-acs-override"];
    private static readonly IReadOnlyList<(string, Arch)> ArchWords = [("arm64", Arch.Arm64), ("arm", Arch.Arm), ("x86", Arch.X86)];

    /// <summary>Parses and validates YAMLTEXT; throws <see cref="ScenarioException"/> on the first problem found.</summary>
    /// <param name="fileName">The name errors report (and the default machine name, without extension).</param>
    public static Machine Load(string fileName, string yamlText)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(yamlText);
        var file = new ScenarioFile(fileName);
        var top = MappingFields.Open(file, YamlDocumentReader.ReadRoot(file, yamlText), "", TopFields);

        var name = ReadName(top, fileName);
        _ = top.String("description");
        var kernelFields = MappingFields.Open(file, top.Required("kernel"), "kernel", KernelFields);
        var (arch, variants) = ReadKernel(kernelFields);
        // driver_deferred_probe_timeout (6.15), in seconds after late_initcall; 10 by default.
        int timeout = kernelFields.Int("deferred-probe-timeout", 0, ScenarioLimits.MaxDeferredProbeTimeout) ?? Machine.DefaultDeferredProbeTimeout;
        var acsOverride = ReadAcsOverride(kernelFields);
        var iommus = IommuReader.ReadIommus(top, arch);
        var bridges = IommuReader.ReadHostBridges(top);
        var devices = DeviceReader.Read(top);
        var drivers = DriverReader.Read(top);
        var script = ScriptReader.Read(top);

        var machine = MachineAssembly.Build(file, name, arch, variants, iommus, bridges, devices, drivers);
        return machine with { Script = ScriptReader.Resolve(file, machine, script), DeferredProbeTimeout = timeout, AcsOverride = acsOverride };
    }

    /// <summary>`kernel.pcie-acs-override`: the out-of-tree patch's parameter, checked token by token.</summary>
    private static Topology.Quirks.AcsOverride? ReadAcsOverride(MappingFields kernel)
    {
        if (kernel.String("pcie-acs-override") is not { } text)
            return null;
        var (result, error) = Topology.Quirks.AcsOverride.Parse(text);
        return result ?? throw kernel.File.Error(kernel.LineOf("pcie-acs-override"), kernel.PathOf("pcie-acs-override"), error!);
    }

    private static string ReadName(MappingFields top, string fileName)
    {
        var name = top.String("name") ?? Path.GetFileNameWithoutExtension(fileName);
        if (name.Length > ScenarioLimits.MaxNameLength)
            throw top.File.Error(top.LineOf("name"), "name", $"a name must be at most {ScenarioLimits.MaxNameLength} characters, got {name.Length}");
        return name;
    }

    private static (Arch, Variants) ReadKernel(MappingFields kernel)
    {
        var arch = kernel.RequiredChoice("arch", ArchWords);
        var variants = Variants.Default;
        if (kernel.String("version") is { } version)
            variants = Variants.ForEra(KernelEras.Parse(version)
                ?? throw kernel.File.Error(kernel.LineOf("version"), kernel.PathOf("version"), KernelEras.UnknownMessage(version)));
        if (kernel.Get("variants") is not { } node || Scalars.IsNull(node))
            return (arch, variants);
        var path = kernel.PathOf("variants");
        if (node is not YamlMappingNode map)
            throw kernel.File.Error(node, path, $"expected a mapping of variant keys to values, got {Scalars.Describe(node)}");
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = Scalars.Text(kernel.File, keyNode, path);
            var field = $"{path}.{key}";
            if (!Variants.Keys.Any(k => k.Key == key))
                throw kernel.File.Error(keyNode, field, Variants.TryWith(variants, key, "").Error!);
            var value = Scalars.Text(kernel.File, valueNode, field);
            var (next, error) = Variants.TryWith(variants, key, key == "fw-devlink" ? FwDevlinkWord(value) : value);
            variants = next ?? throw kernel.File.Error(valueNode, field, error!);
        }
        return (arch, variants);
    }

    /// <summary>`fw-devlink: on` is a YAML 1.1 boolean; accept the boolean spellings for it.</summary>
    private static string FwDevlinkWord(string value) =>
        value.ToLowerInvariant() is "on" or "off" or "true" or "false" ? value.ToLowerInvariant() : value;
}
