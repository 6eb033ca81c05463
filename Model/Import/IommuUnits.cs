using System.Collections.Immutable;
using System.Globalization;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>
/// The IOMMU units an import without `--base` writes. x86: one DMAR (Intel VT-d) or AMD-Vi unit
/// translating every host bridge, registered at rootfs_initcall (pci_iommu_init) as the kernel
/// does; the AMD IOMMU's own function is left out by <see cref="PciImport"/>. arm64: one SMMUv3
/// per PCI segment, each a platform device bound by a built-in arm-smmu-v3 driver, as IORT
/// describes one root complex node per segment on the SoCs this covers. arm: none (the 32-bit
/// IOMMUs are SoC-specific: give them with `--base`).
/// </summary>
public static class IommuUnits
{
    public const string SmmuDriver = "arm-smmu-v3";

    public static (ImmutableArray<IommuSpec> Iommus, ImmutableArray<DeviceSpec> Devices) Synthesize(ImportInputs input, Arch arch, List<Guess> guesses)
    {
        var domains = input.Tree?.HostBridges.Select(h => h.Domain).Distinct().Order().ToList() ?? [];
        switch (arch)
        {
            case Arch.X86:
            {
                bool amd = MachineDefaults.IsAmd(input);
                var name = amd ? "AMD-Vi" : "dmar0";
                guesses.Add(new Guess(GuessSubject.Machine, $"one {(amd ? "AMD-Vi" : "DMAR (VT-d)")} unit '{name}' assumed, translating every PCI function "
                    + "(the kernel groups each at rootfs_initcall); give --base if the IOMMU is off or covers less"));
                return ([new IommuSpec(0, name, null, null, null, false, SourceLine.None)], []);
            }
            case Arch.Arm64:
            {
                var iommus = ImmutableArray.CreateBuilder<IommuSpec>();
                var devices = ImmutableArray.CreateBuilder<DeviceSpec>();
                foreach (var domain in domains)
                {
                    int i = iommus.Count;
                    devices.Add(new DeviceSpec(i, string.Create(CultureInfo.InvariantCulture, $"arm-smmu-v3.{i}.auto"), BusKind.Platform,
                        input.Firmware ?? Firmware.Acpi, null, false, null, 32, true, null, SourceLine.None));
                    iommus.Add(new IommuSpec(i, $"smmu-{domain:x4}", i, null, null, false, SourceLine.None));
                    guesses.Add(new Guess(GuessSubject.HostBridge(domain), $"translated by an SMMUv3 of its own (smmu-{domain:x4}, device arm-smmu-v3.{i}.auto): "
                        + "one per PCI segment assumed; give --base if the firmware says otherwise"));
                }
                return (iommus.ToImmutable(), devices.ToImmutable());
            }
            default:
                guesses.Add(new Guess(GuessSubject.Machine, "no IOMMU written: 32-bit arm IOMMUs are SoC-specific (give them with --base)"));
                return ([], []);
        }
    }

    /// <summary>The unit that translates DOMAIN among those <see cref="Synthesize"/> wrote.</summary>
    public static int? For(ImmutableArray<IommuSpec> iommus, Arch arch, int domain) => arch switch
    {
        Arch.X86 => iommus.IsEmpty ? null : 0,
        Arch.Arm64 => iommus.FirstOrDefault(i => i.Name == $"smmu-{domain:x4}")?.Index,
        _ => null,
    };
}
