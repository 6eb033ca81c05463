namespace Checker.Cli.Commands;

/// <summary>The commented starting scenarios `checker init` writes, one per architecture.</summary>
public static class ScenarioTemplates
{
    public static readonly IReadOnlyList<string> Arches = ["arm64", "x86"];

    public static string For(string arch) => arch switch
    {
        "arm64" => Arm64,
        "x86" => X86,
        _ => throw new ArgumentOutOfRangeException(nameof(arch), arch, "no template"),
    };

    private const string Header = """
        # A starting scenario written by `checker init`. Edit it to describe your machine:
        # docs/scenario-format.md explains every field, `checker list variants` and
        # `checker list events` the variants and the script actions.
        # Try it with `checker boot FILE` (the boot log and the groups), then `checker check FILE`
        # (orderings of the same machine, checked against every invariant), or `checker import`
        # to write a scenario from a real machine's lspci and dmesg (scripts/collect-machine.sh).

        """;

    private const string Arm64 = Header + """
        name: my-arm64-machine
        description: >-
          An arm64 ACPI machine: one SMMUv3 translating PCI domain 0000 (a root port without ACS
          and a two-function endpoint below it) and one platform DMA master.

        kernel:
          arch: arm64
          version: "5.3"            # the kernel whose rules the run follows: "5.3" or "6.15"
          variants:                 # optional overrides of the era's defaults (checker list variants)
            groups: probe-time

        # Each IOMMU instance is registered when its driver binds the platform device representing it.
        iommus:
          - name: smmu0
            device: arm-smmu-v3.0.auto    # as IORT names it
            driver: arm-smmu-v3

        # Every PCI device of a domain inherits its host bridge's firmware and IOMMU.
        host-bridges:
          - { domain: "0000", root-bus: "00", firmware: acpi, iommu: smmu0 }

        # In the order the kernel adds them at boot; quote every PCI name.
        devices:
          - { name: arm-smmu-v3.0.auto, bus: platform, firmware: acpi }
          - { name: "HISI0162:01", bus: platform, firmware: acpi, iommu: smmu0, coherent: true }
          - { name: "0000:00:00.0", bus: pci, type: root-port }          # acs: [SV, RR, CR, UF] would isolate below it
          - { name: "0000:01:00.0", bus: pci, parent: "0000:00:00.0", multifunction: true }
          - { name: "0000:01:00.1", bus: pci, parent: "0000:00:00.0", multifunction: true }

        # Built-in drivers register in this order (their link order) at the device initcall;
        # `arrival: module` makes one a module, loaded by `modprobe` in the script. arm-smmu-v3
        # comes first: linked after pcieport, the root port would defer, the two functions below
        # it would be grouped first and land in separate groups (the D05 bug, which
        # `checker check` finds in other orderings of this machine).
        drivers:
          - name: arm-smmu-v3
            bus: platform
            matches: [arm-smmu-v3.0.auto]
          - name: pcieport
            bus: pci
            matches: ["0000:00:00.0"]
          - name: hisi_sas_v2_hw
            bus: platform
            matches: ["HISI0162:01"]
          - name: mlx5_core
            bus: pci
            matches: ["0000:01:00.0", "0000:01:00.1"]

        # What happens: the boot, then userspace actions at times in seconds.
        script:
          - { do: boot }
          - { at: 30, do: unbind, dev: "0000:01:00.1" }
          - { do: bind, dev: "0000:01:00.1", driver: mlx5_core }

        """;

    private const string X86 = Header + """
        name: my-x86-machine
        description: >-
          A PC: the IOMMU (DMAR) translates PCI domain 0000; a root port with ACS and an NVMe drive
          below it, and a two-function controller on a root port without ACS.

        kernel:
          arch: x86                 # the IOMMU registers before any PCI driver: devices are grouped as they are added
          version: "5.3"            # the kernel whose rules the run follows: "5.3" or "6.15"

        # On x86 an instance has no device or driver: it registers from the DMAR/IVRS tables.
        iommus:
          - name: dmar0

        host-bridges:
          - { domain: "0000", root-bus: "00", firmware: acpi, iommu: dmar0 }

        # In the order the kernel adds them at boot; quote every PCI name.
        devices:
          - { name: "0000:00:1c.0", bus: pci, type: root-port, acs: [SV, RR, CR, UF] }
          - { name: "0000:01:00.0", bus: pci, parent: "0000:00:1c.0" }
          - { name: "0000:00:1d.0", bus: pci, type: root-port }           # no ACS: its children share a group
          - { name: "0000:02:00.0", bus: pci, parent: "0000:00:1d.0", multifunction: true }
          - { name: "0000:02:00.1", bus: pci, parent: "0000:00:1d.0", multifunction: true }

        drivers:
          - name: pcieport
            bus: pci
            matches: ["0000:00:1c.0", "0000:00:1d.0"]
          - name: nvme
            bus: pci
            matches: ["0000:01:00.0"]
          - name: xhci_hcd
            bus: pci
            matches: ["0000:02:00.0", "0000:02:00.1"]

        script:
          - { do: boot }
          - { at: 30, do: hot-remove, dev: "0000:01:00.0" }
          - { do: hot-add, dev: "0000:01:00.0" }

        """;
}
