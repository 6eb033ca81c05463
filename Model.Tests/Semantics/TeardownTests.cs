using Checker.Model.Events;
using Checker.Model.State;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Semantics;

/// <summary>
/// dma_configure and its teardown (docs/semantics.md, "DMA ops"): the three ARM32 arch_teardown_dma_ops variants
/// on arch-set and third-party ops, the coherent-mask overflow, and the two fallbacks to direct ops.
/// </summary>
public class TeardownTests
{
    private const string Mmu = "e6740000.mmu";
    private const string Gpio = "e6050000.gpio";
    private const string Sd = "ee100000.sd";
    private const string SdDriver = "sh_mobile_sdhi";

    /// <summary>
    /// ARM32: an IOMMU, a GPIO controller the SD host's probe waits for (when DEFERSONGPIO), and the
    /// SD host behind the IOMMU. With ARMIOMMUATTACH the IOMMU driver is ipmmu-vmsa, which attaches
    /// its masters to one shared mapping; otherwise the arch makes a per-device mapping.
    /// </summary>
    private static MachineBuilder Arm(string teardown, bool armIommuAttach, bool defersOnGpio)
    {
        string iommuDriver = armIommuAttach ? "ipmmu-vmsa" : "arm-smmu";
        return new MachineBuilder(Arch.Arm).Variant("teardown", teardown)
            .Iommu("ipmmu0", Mmu, iommuDriver)
            .Platform(Mmu)
            .Platform(Gpio)
            .Platform(Sd, Firmware.Dt, "ipmmu0")
            .Driver(iommuDriver, BusKind.Platform, [Mmu], armIommuAttach: armIommuAttach)
            .Driver("gpio-rcar", BusKind.Platform, [Gpio])
            .Driver(SdDriver, BusKind.Platform, [Sd], probe: defersOnGpio ? new ProbeBehaviourSpec(DeferUntilBound: Gpio) : null);
    }

    /// <summary>
    /// (a) arch-set ops: the IOMMU registers, the SD host probes (the arch makes mapping #0), its
    /// probe defers on the GPIO, teardown; the GPIO binds and late_initcall probes the SD host again.
    /// </summary>
    private static readonly string[] ArchSetDeferral =
        [$"add {Mmu}", $"add {Gpio}", $"add {Sd}", "register arm-smmu", $"register {SdDriver}", "register gpio-rcar", "late-initcall"];

    /// <summary>
    /// (b) third-party ops: ipmmu-vmsa registers and attaches the SD host to its shared mapping #0
    /// before the SD host's driver probes; that probe fails once with -EPROBE_DEFER, teardown;
    /// late_initcall probes it again.
    /// </summary>
    private static readonly string[] ThirdPartyDeferral =
        [$"add {Mmu}", $"add {Gpio}", $"add {Sd}", $"fail-next-probe {Sd} -EPROBE_DEFER", "register ipmmu-vmsa",
         $"register {SdDriver}", "register gpio-rcar", "late-initcall"];

    public static IEnumerable<object[]> Variants() =>
    [
        // keep: the mapping is released but dma_ops stay; the retry's arch_setup_dma_ops returns early
        // on them, so the bound SD host runs on released mapping #0. Third-party ops are left alone.
        ["keep", "arch-set", "iommu arch released", new[] { $"TeardownRestoresDmaOps {Sd}", $"NoStaleDmaOps {Sd}" }],
        ["keep", "third-party", "third-party ipmmu-vmsa live", Array.Empty<string>()],
        // clear-always: arch ops are cleared and set up afresh (mapping #1), but so are ipmmu-vmsa's:
        // the retry then gives the SD host arch IOMMU ops with a mapping of its own.
        ["clear-always", "arch-set", "iommu arch live", Array.Empty<string>()],
        ["clear-always", "third-party", "iommu arch live", new[] { $"TeardownRestoresDmaOps {Sd}" }],
        // clear-owned: only what the arch set (dev->archdata.dma_ops_setup) is torn down.
        ["clear-owned", "arch-set", "iommu arch live", Array.Empty<string>()],
        ["clear-owned", "third-party", "third-party ipmmu-vmsa live", Array.Empty<string>()],
    ];

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_probe_that_defers_once_leaves_the_ops_each_teardown_variant_promises(
        string teardown, string ops, string expectedOps, string[] expectedBroken)
    {
        bool thirdParty = ops == "third-party";
        var m = Arm(teardown, armIommuAttach: thirdParty, defersOnGpio: !thirdParty).Build();
        var result = Steps.Check(m, thirdParty ? ThirdPartyDeferral : ArchSetDeferral);
        var w = result.Final;
        var sd = w.Dev(Sd);
        Assert.Equal(ProbeStatus.Bound, sd.Status);
        Assert.Equal(0, sd.Group);
        Assert.Equal(expectedOps, Describe(w, sd.Ops));
        Assert.Equal(expectedBroken, result.Broken());
    }

    /// <summary>"iommu arch live": the ops kind, who set them, and whether their mapping is still live.</summary>
    private static string Describe(World w, DmaOps ops)
    {
        string owner = ops.Owner == DmaOps.ArchOwner ? "arch" : w.Machine.Drivers[ops.Owner].Name;
        return $"{ops.Kind.OpsName()} {owner} {(w.LiveMappings.Contains(ops.Mapping) ? "live" : "released")}";
    }

    [Fact]
    public void Under_keep_the_retry_runs_on_the_mapping_the_teardown_released()
    {
        var m = Arm("keep", armIommuAttach: false, defersOnGpio: true).Build();
        var w = Steps.Run(m, ArchSetDeferral[..5]);
        Assert.Equal(ProbeStatus.Deferred, w.Dev(Sd).Status);
        Assert.Equal(0, w.Dev(Sd).Ops.Mapping);
        Assert.DoesNotContain(0, w.LiveMappings);
        w = Steps.Continue(w, ArchSetDeferral[5..]);
        Assert.Equal(0, w.Dev(Sd).Ops.Mapping);
        Assert.Equal(1, w.Dev(Sd).LiveConfigures);
    }

    [Theory]
    [InlineData("keep", "third-party ipmmu-vmsa live", "third-party ipmmu-vmsa live", new string[0])]
    // Unbind clears ipmmu-vmsa's ops; the next bind gets arch IOMMU ops with a mapping of its own.
    [InlineData("clear-always", "none", "iommu arch live", new[] { $"TeardownRestoresDmaOps {Sd}" })]
    [InlineData("clear-owned", "third-party ipmmu-vmsa live", "third-party ipmmu-vmsa live", new string[0])]
    public void Unbinding_a_master_with_third_party_ops_keeps_them_unless_teardown_clears_always(
        string teardown, string afterUnbind, string afterBind, string[] expectedBroken)
    {
        var m = Arm(teardown, armIommuAttach: true, defersOnGpio: false).Build();
        string[] boot = [$"add {Mmu}", $"add {Gpio}", $"add {Sd}", "register ipmmu-vmsa", $"register {SdDriver}", "register gpio-rcar", "late-initcall"];
        var w = Steps.Run(m, [.. boot, $"unbind {Sd}"]);
        Assert.Equal(ProbeStatus.Unprobed, w.Dev(Sd).Status);
        Assert.Equal(afterUnbind, w.Dev(Sd).Ops.IsSet ? Describe(w, w.Dev(Sd).Ops) : "none");

        var result = Steps.Check(m, [.. boot, $"unbind {Sd}", $"bind {Sd} {SdDriver}"]);
        Assert.Equal(afterBind, Describe(result.Final, result.Final.Dev(Sd).Ops));
        // StepView.Quiescent does not know the script goes on after `unbind`, so the runner also
        // reports EveryMatchedDeviceBinds for the unbound SD host at that step; quiescence as docs/semantics.md defines it
        // ("the script is done") is only after `bind`, where everything is bound. Not this test's subject.
        Assert.Equal(expectedBroken, result.Broken().Where(b => !b.StartsWith("EveryMatchedDeviceBinds", StringComparison.Ordinal)));
    }

    private const string Dma = "e0000000.dma-controller";

    private static Machine MaskMachine(string mask, int maskBits, Firmware fw = Firmware.Dt) =>
        new MachineBuilder().Variant("mask", mask)
            .Platform(Dma, fw, maskBits: maskBits)
            .Driver("rcar-dmac", BusKind.Platform, [Dma])
            .Build();

    [Theory]
    // mask + 1 overflows to 0 for a 64-bit mask; the narrowed mask of an empty range is meaningless.
    [InlineData("mask-plus-one", 64, 0UL, ulong.MaxValue, false)]
    // max(mask, mask + 1): the whole 64-bit space, covered by DMA_BIT_MASK(64).
    [InlineData("mask-max", 64, ulong.MaxValue, ulong.MaxValue, true)]
    // DMA_BIT_MASK(32) + 1 = 4 GiB either way; DMA_BIT_MASK(ilog2(4 GiB - 1) + 1) = DMA_BIT_MASK(32).
    [InlineData("mask-plus-one", 32, 0x1_0000_0000UL, 0xFFFF_FFFFUL, true)]
    [InlineData("mask-max", 32, 0x1_0000_0000UL, 0xFFFF_FFFFUL, true)]
    public void Coherent_mask_without_dma_ranges_derives_the_size_from_the_mask(
        string mask, int maskBits, ulong expectedSize, ulong expectedMask, bool covers)
    {
        var m = MaskMachine(mask, maskBits);
        var w = Steps.Run(m, $"add {Dma}", "register rcar-dmac");
        var trace = Assert.Single(w.Trace.OfType<MaskTrace>());
        Assert.Equal(0UL, trace.DmaAddr);
        Assert.Equal(expectedSize, trace.Size);
        Assert.Equal(expectedMask, trace.Mask);
        var broken = Steps.Check(m, $"add {Dma}", "register rcar-dmac").Broken();
        Assert.Equal(covers ? [] : [$"CoherentMaskCoversRange {Dma}"], broken);
    }

    [Fact]
    public void ACPI_devices_keep_their_coherent_mask()
    {
        var m = MaskMachine("mask-plus-one", 64, Firmware.Acpi);
        var w = Steps.Run(m, $"add {Dma}", "register rcar-dmac");
        Assert.Empty(w.Trace.OfType<MaskTrace>());
        Assert.Equal(ulong.MaxValue, w.Dev(Dma).CoherentMask);
    }

    /// <summary>An SMMU with one context and two coherent DT masters (docs/semantics.md, "Groups", the -ENOSPC case).</summary>
    private static Machine OneContext(string fallback, bool secondMaster = true) =>
        new MachineBuilder(Arch.Arm64).Variant("fallback", fallback)
            .Iommu("smmu0", "2b400000.smmu", "arm-smmu", contexts: 1)
            .Platform("2b400000.smmu")
            .Platform("2b500000.sata", Firmware.Dt, "smmu0", coherent: true)
            .Platform("2b600000.sata", Firmware.Dt, "smmu0", coherent: true, present: secondMaster)
            .Driver("arm-smmu", BusKind.Platform, ["2b400000.smmu"])
            .Driver("ahci", BusKind.Platform, ["2b500000.sata", "2b600000.sata"])
            .Build();

    [Theory]
    [InlineData("keep-coherent", true)]
    [InlineData("default-ops", false)]
    public void The_second_master_of_a_one_context_SMMU_falls_back_to_direct_ops(string fallback, bool keepsCoherency)
    {
        var result = Steps.Check(OneContext(fallback), "add 2b400000.smmu", "add 2b500000.sata", "add 2b600000.sata",
            "register arm-smmu", "register ahci", "late-initcall");
        var w = result.Final;
        Assert.Equal(
        [
            "ahci 2b500000.sata: Adding to iommu group 0",
            // The new group 1 gets no context: the device is taken out and the empty group freed.
            "ahci 2b600000.sata: Failed to add to iommu group 1: -28",
        ], w.InfoLines());
        Assert.Equal([0], w.Groups.Keys);
        var second = w.Dev("2b600000.sata");
        Assert.Equal(ProbeStatus.Bound, second.Status);
        Assert.Equal(DeviceState.NoGroup, second.Group);
        Assert.Equal(DmaOpsKind.Direct, second.Ops.Kind);
        Assert.Equal(keepsCoherency, second.Coherent);
        Assert.Equal(DmaOpsKind.Iommu, w.Dev("2b500000.sata").Ops.Kind);
        Assert.Equal(keepsCoherency ? [] : ["FallbackKeepsCoherency 2b600000.sata"], result.Broken());
    }

    [Fact]
    public void A_failed_domain_allocation_keeps_the_group_and_retains_platform_DMA_ops()
    {
        var m = OneContext("keep-coherent", secondMaster: false);
        var result = Steps.Check(m, "add 2b400000.smmu", "add 2b500000.sata", "register arm-smmu",
            "fail-domain-alloc smmu0", "register ahci", "late-initcall");
        var w = result.Final;
        Assert.Equal(
        [
            "ahci 2b500000.sata: Adding to iommu group 0",
            // A pr_warn: no driver or device prefix.
            "Failed to set up IOMMU for device 2b500000.sata; retaining platform DMA ops",
        ], w.InfoLines());
        var master = w.Dev("2b500000.sata");
        Assert.Equal(ProbeStatus.Bound, master.Status);
        Assert.Equal(0, master.Group);
        Assert.False(w.Groups[0].HasDomain);
        Assert.Equal(DmaOpsKind.Direct, master.Ops.Kind);
        Assert.True(master.Coherent);
        Assert.Empty(result.Broken());
    }
}
