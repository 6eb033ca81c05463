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

    public bool IsSet => Kind != DmaOpsKind.None;

    public string Describe(Machine m)
    {
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
