namespace Checker.Model.State;

/// <summary>
/// A device's dma_ops as the model tracks them: which ops, who set them (the arch or a driver),
/// the IOMMU mapping they use and the instance (and its generation) they were set up against.
/// </summary>
public readonly record struct DmaOps(DmaOpsKind Kind, int Owner, int Mapping, int Instance, int Generation)
{
    public const int NoOwner = -1;
    /// <summary>Owner value for ops set by arch_setup_dma_ops.</summary>
    public const int ArchOwner = -2;

    public static readonly DmaOps None = new(DmaOpsKind.None, NoOwner, -1, -1, 0);

    public static DmaOps Direct(int owner) => new(DmaOpsKind.Direct, owner, -1, -1, 0);

    /// <summary>
    /// `dev->dma_ops == NULL` on arm64 and x86: the direct (dma-direct) ops, owned by nobody. There
    /// "never configured", "torn down" and "direct" are one state (get_dma_ops() falls back to
    /// dma_direct when dma_ops is NULL; arch_teardown_dma_ops() of v5.3 arm64 sets it NULL).
    /// </summary>
    public static readonly DmaOps Null = new(DmaOpsKind.Direct, NoOwner, -1, -1, 0);

    /// <summary>The ops of a device nothing configured yet: NULL (direct) on arm64/x86, none on arm.</summary>
    public static DmaOps Unset(Arch arch) => arch == Arch.Arm ? None : Null;

    public bool IsSet => Kind != DmaOpsKind.None;

    public string Describe(Machine m)
    {
        if (this == Null)
            return "direct ops (dma_ops NULL)";
        string owner = Owner switch
        {
            NoOwner => "nobody",
            ArchOwner => "arch",
            var d => m.Drivers[d].Name,
        };
        string via = Instance >= 0 ? $" via {m.Iommus[Instance].Name} (generation {Generation})" : "";
        string mapping = Mapping >= 0 ? $", mapping #{Mapping}" : "";
        return $"{Kind.OpsName()} ops set by {owner}{via}{mapping}";
    }
}
