namespace Checker.Cli.Commands;

/// <summary>One word of the tool's vocabulary: what it means and the kernel code it comes from.</summary>
public sealed record ReferenceEntry(string Name, string Meaning, string Kernel);

/// <summary>
/// What every invariant, variant key and value, and event form means, and where in the kernel it
/// comes from: what `checker list` prints. A test checks that every invariant of the catalogue,
/// every variant value and every event form has an entry here, so none can be added without one.
/// </summary>
public static class KernelReference
{
    public static readonly IReadOnlyList<ReferenceEntry> Properties =
    [
        new("NonAcsSiblingsShareGroup",
            "Grouped devices that ACS cannot isolate from each other (the canonical partition puts them together) are in the same IOMMU group.",
            "pci_device_group() and pci_acs_path_enabled(), drivers/iommu/iommu.c: the groups Linux forms when every device is grouped parents first"),
        new("IsolatedDevicesDoNotShareGroup",
            "Grouped devices that ACS isolates from each other (the canonical partition separates them) are not in the same group.",
            "pci_device_group() and pci_acs_enabled(), drivers/iommu/iommu.c and drivers/pci/pci.c"),
        new("TeardownRestoresDmaOps",
            "After dma_deconfigure a device's dma_ops, their owner and their mapping are what they were before the matching successful dma_configure.",
            "arch_teardown_dma_ops(), arch/arm/mm/dma-mapping.c (v4.12) and arch/arm64/mm/dma-mapping.c (v5.3), run by really_probe() on a failed or deferred probe"),
        new("NoStaleDmaOps",
            "A bound device's dma_ops never use a released mapping or an unregistered or re-registered IOMMU instance, and are the ops its last dma_configure chose (or a third party set after it).",
            "arch_setup_dma_ops() returning early when dev->dma_ops is set, arch/arm/mm/dma-mapping.c (v4.12); iommu_device_unregister(), drivers/iommu/iommu.c"),
        new("DmaConfigureBalanced",
            "Per device, successful dma_configure and dma_deconfigure alternate: never two successful configures without a deconfigure between them.",
            "really_probe() and __device_release_driver(), drivers/base/dd.c (bus dma_configure, arch_teardown_dma_ops)"),
        new("GroupedByOwnIommu",
            "A device is added to a group only by the registered IOMMU instance its firmware names.",
            "the add_device callback (arm_smmu_add_device(), drivers/iommu/arm-smmu-v3.c) and dev->iommu_fwspec set by of_iommu_xlate() / iort_iommu_xlate()"),
        new("EveryMatchedDeviceBinds",
            "At quiescence every present device that a registered driver matches is bound, unless its probe is scripted to fail, a user unbound it, or it waits for a module not loaded yet.",
            "deferred_probe_work_func() and driver_deferred_probe_check_state(), drivers/base/dd.c; device_links_check_suppliers(), drivers/base/core.c"),
        new("NoDmaBypass",
            "A bound device whose firmware names a registered IOMMU instance does not use direct dma_ops (unless -ENOSPC or a failed domain allocation left it there).",
            "iort_iommu_xlate() and iort_iommu_driver_enabled(), drivers/acpi/arm64/iort.c; of_iommu_configure(), drivers/iommu/of_iommu.c"),
        new("FallbackKeepsCoherency",
            "A fallback to direct dma_ops keeps the device's coherent attribute.",
            "arch_setup_dma_ops(), arch/arm64/mm/dma-mapping.c (\"retaining platform DMA ops\")"),
        new("CoherentMaskCoversRange",
            "The size derived for a device's DMA range is never 0, and the coherent mask after narrowing still reaches the first byte of the range.",
            "of_dma_configure(), drivers/of/device.c: size = coherent_dma_mask + 1, then DMA_BIT_MASK(ilog2(dma_addr + size - 1) + 1)"),
        new("IommuReloadIsClean",
            "After rmmod and modprobe of an IOMMU driver no device references a freed group or an unregistered or stale instance, and the instance registers again.",
            "iommu_device_unregister() and iommu_device_register(), drivers/iommu/iommu.c"),
        new("GroupBookkeepingConsistent",
            "Every device is in at most one group, member lists match the devices' groups, no live group is empty, ids are unique.",
            "iommu_group_alloc(), iommu_group_add_device() and iommu_group_remove_device(), drivers/iommu/iommu.c (ids from an IDA)"),
    ];

    /// <summary>Variant keys (Name = key) and values (Name = key=value), each key followed by its values, default first.</summary>
    public static readonly IReadOnlyList<ReferenceEntry> Variants =
    [
        new("groups", "When and how devices get their IOMMU group.",
            "iommu_group_get_for_dev() and pci_device_group(), drivers/iommu/iommu.c"),
        new("groups=probe-time", "Groups are allocated in dma_configure, when a driver probes the device.",
            "really_probe() -> of_iommu_configure() / iort_iommu_configure() -> add_device (v5.3)"),
        new("groups=parent-link", "Also a device link from each PCI device to its parent bridge: the child waits until the parent is bound.",
            "device_link_add() with DL_FLAG_AUTOPROBE_CONSUMER, drivers/base/core.c (a fix proposed in the 2019 D05 thread)"),
        new("groups=defer-to-parent", "Also the IORT/OF lookup defers a PCI device while its parent bridge has not probed.",
            "iort_iommu_xlate() / of_iommu_xlate() returning -EPROBE_DEFER (a fix proposed in the 2019 D05 thread)"),
        new("groups=walk-down", "Also pci_device_group(), after walking up to the isolation point, looks for a group among the non-isolated devices below it.",
            "pci_device_group(), drivers/iommu/iommu.c (Robin Murphy's suggestion in the 2019 D05 thread)"),
        new("groups=bus-replay", "Also, when an instance registers, every ungrouped device on the bus is offered to it; one without a fwspec of this instance is refused.",
            "bus_set_iommu() replaying add_device over the bus, arm_smmu_set_bus_ops() and arm_smmu_add_device(), drivers/iommu/arm-smmu-v3.c"),
        new("groups=per-instance", "Groups decoupled from drivers: an instance groups every present device it translates when it registers, a later device at device_add.",
            "iommu_device_register() -> bus_iommu_probe() and iommu_probe_device() from the bus notifier, drivers/iommu/iommu.c (v6.15)"),

        new("teardown", "What the ARM32 teardown does with a device's dma_ops (arch: arm only).",
            "arch_teardown_dma_ops(), arch/arm/mm/dma-mapping.c"),
        new("teardown=keep", "Releases the per-device mapping but leaves dev->dma_ops set, so they are stale after a deferral (the v4.12 code).",
            "arch_teardown_dma_ops() -> arm_teardown_iommu_dma_ops(), arch/arm/mm/dma-mapping.c (v4.12)"),
        new("teardown=clear-always", "Also sets dev->dma_ops to NULL, whoever set them (breaks shared third-party mappings).",
            "set_dma_ops(dev, NULL) in arch_teardown_dma_ops() (proposed in the 2017 probe-deferral review)"),
        new("teardown=clear-owned", "Clears the ops only when the arch set them (the fix that shipped).",
            "dev->archdata.dma_ops_setup, arch/arm/mm/dma-mapping.c"),

        new("mask", "How the DMA size is derived from the coherent mask of a DT device without dma-ranges.",
            "of_dma_configure(), drivers/of/device.c"),
        new("mask=mask-plus-one", "size = coherent_dma_mask + 1, which overflows to 0 for a 64-bit mask (the v4.11 code).",
            "of_dma_configure(), drivers/of/device.c (v4.11)"),
        new("mask=mask-max", "size = max(coherent_dma_mask, coherent_dma_mask + 1) (the fix).",
            "of_dma_configure(), drivers/of/device.c (\"of: device: Fix overflow of coherent_dma_mask\")"),

        new("fallback", "Which DMA ops a device falls back to when its IOMMU cannot translate it.",
            "arch_setup_dma_ops(), arch/arm64/mm/dma-mapping.c"),
        new("fallback=keep-coherent", "The fallback keeps the device's coherent attribute (what arm and arm64 do).",
            "arch_setup_dma_ops() setting dev->dma_coherent before the IOMMU setup, arch/arm64/mm/dma-mapping.c"),
        new("fallback=default-ops", "The fallback takes the bus default, non-coherent ops.",
            "arch_setup_dma_ops() without the firmware's coherent attribute, arch/arm64/mm/dma-mapping.c: the hazard Will Deacon raised in 2015 on \"iommu: of: Handle IOMMU lookup failure with deferred probing or error\""),

        new("fw-devlink", "Firmware device links from a DT platform or AMBA device to its IOMMU's device.",
            "fw_devlink= in drivers/base/core.c; the iommus binding in drivers/of/property.c"),
        new("fw-devlink=off", "No firmware links.",
            "fw_devlink=off, drivers/base/core.c"),
        new("fw-devlink=permissive", "Sync-state-only links, which never hold a probe back: behaves as off.",
            "DL_FLAG_SYNC_STATE_ONLY, drivers/base/core.c"),
        new("fw-devlink=on", "5.3: the 2019 of_devlink series, the device waits for its IOMMU's device (for ever if it never binds).",
            "of_link_to_suppliers() / parse_iommus(), drivers/of/property.c; device_links_check_suppliers(), drivers/base/core.c"),
        new("fw-devlink=strict", "As on; in 6.15 the optional iommus binding makes a waiting link only under strict.",
            "fw_devlink_is_strict(), drivers/base/core.c"),

        new("unload", "Whether rmmod of an IOMMU driver is refused while masters are grouped.",
            "the IOMMU probe path and module unload (kernel/module.c)"),
        new("unload=unguarded", "rmmod goes ahead while masters are grouped (the 2019 modular-SMMU prototype).",
            "driver_unregister() -> iommu_device_unregister(), drivers/iommu/iommu.c"),
        new("unload=module-ref", "Every grouped master holds a reference on the IOMMU driver's module, so rmmod is refused until they are removed.",
            "try_module_get() in the IOMMU probe path (v5.8 on), drivers/iommu/iommu.c"),
    ];

    /// <summary>Event forms as scripts and counterexamples write them (Name = the form of EventText.Forms).</summary>
    public static readonly IReadOnlyList<ReferenceEntry> Events =
    [
        new("boot", "Add every boot device in file order, register the built-in drivers by initcall level and link order, then late-initcall.",
            "do_initcalls(), init/main.c"),
        new("add DEV", "device_add of a device present at boot: it joins its bus and the matching drivers are tried in registration order.",
            "device_add() and bus_probe_device(), drivers/base/core.c and drivers/base/bus.c"),
        new("register DRIVER", "A built-in driver registers: every unbound matching device is tried in bus-list order.",
            "driver_register() and driver_attach(), drivers/base/driver.c and drivers/base/dd.c"),
        new("late-initcall", "Deferred probing is enabled and flushed, then initcalls are done and it is flushed again.",
            "deferred_probe_initcall(), drivers/base/dd.c"),
        new("wait", "Script form of deferred-work: run the queued deferred probe work.",
            "deferred_probe_work_func(), drivers/base/dd.c"),
        new("deferred-work", "One run of the deferred probe work: devices taken from the active list until it is empty.",
            "deferred_probe_work_func(), drivers/base/dd.c"),
        new("deferred-probe-timeout", "6.15 only: the deferred-probe timeout fires (kernel.deferred-probe-timeout seconds after late_initcall, default 10): masters waiting for a missing DT IOMMU give up (-ETIMEDOUT), fw_devlink links are relaxed.",
            "deferred_probe_timeout_work_func(), driver_deferred_probe_check_state(), drivers/base/dd.c v6.15"),
        new("modprobe DRIVER", "A module's driver registers (after initcalls are done).",
            "module init -> driver_register(), drivers/base/driver.c"),
        new("rmmod DRIVER", "Every device bound to the driver is unbound, then it unregisters; an IOMMU driver's unregisters its instance.",
            "driver_unregister() -> driver_detach(), drivers/base/dd.c; iommu_device_unregister(), drivers/iommu/iommu.c"),
        new("sriov-enable PF N", "The PF driver enables N virtual functions; each is added and probed like any device.",
            "sriov_configure -> pci_enable_sriov() -> pci_iov_add_virtfn(), drivers/pci/iov.c"),
        new("unbind DEV", "The sysfs unbind: link consumers first, then the driver's remove and the DMA teardown.",
            "unbind_store() -> device_release_driver(), drivers/base/bus.c and drivers/base/dd.c"),
        new("bind DEV DRIVER", "The sysfs bind: the driver probes the device.",
            "bind_store() -> device_driver_attach(), drivers/base/bus.c and drivers/base/dd.c"),
        new("hot-add DEV", "A PCI device appears by hotplug and is added and probed.",
            "pci_bus_add_device(), drivers/pci/bus.c"),
        new("hot-remove DEV", "A PCI device and its children (deepest, last added first) are unbound and removed, and leave their groups.",
            "pci_stop_and_remove_bus_device(), drivers/pci/remove.c; iommu_group_remove_device() from BUS_NOTIFY_REMOVED_DEVICE"),
        new("fail-next-probe DEV ERRNO", "Fault injection: the next probe of DEV returns ERRNO.",
            "the probe error paths of really_probe(), drivers/base/dd.c"),
        new("fail-next-attach DEV", "Fault injection: the next domain attach of DEV fails with -ENOSPC (no free context).",
            "__iommu_attach_device(), drivers/iommu/iommu.c; arm_smmu_domain_finalise() out of contexts"),
        new("fail-domain-alloc IOMMU", "Fault injection: the next default-domain allocation of the instance fails.",
            "iommu_group_get_for_dev() -> __iommu_domain_alloc(), drivers/iommu/iommu.c"),
    ];

    /// <summary>The entries of a `checker list` topic; null for an unknown topic.</summary>
    public static IReadOnlyList<ReferenceEntry>? Topic(string topic) => topic switch
    {
        "properties" => Properties,
        "variants" => Variants,
        "events" => Events,
        _ => null,
    };

    public static readonly IReadOnlyList<string> Topics = ["properties", "variants", "events"];
}
