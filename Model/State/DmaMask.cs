namespace Checker.Model.State;

/// <summary>DMA mask arithmetic of include/linux/dma-mapping.h, with the 64-bit case spelled out.</summary>
public static class DmaMask
{
    /// <summary>DMA_BIT_MASK(n). In C#, 1UL &lt;&lt; 64 is 1, not 0, so n == 64 is its own case.</summary>
    public static ulong BitMask(int bits) => bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1;

    /// <summary>ilog2 of a non-zero value.</summary>
    public static int Ilog2(ulong value) => 63 - System.Numerics.BitOperations.LeadingZeroCount(value);
}
