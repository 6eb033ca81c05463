namespace Checker.Properties.Exhaustive;

/// <summary>
/// The set of visited states: 64-bit fingerprints in one open-addressing table (linear probing),
/// 8 bytes a slot. The capacity is not a power of two: a fingerprint's home slot is the high half
/// of (mixed fingerprint × capacity) ("fastrange"), so the table can grow by 1.5x. It grows when an
/// insertion would make it more than 3/4 full, which leaves it just over 1/2 full; so once it has
/// grown (or once it is half full) it holds 10.7 to 16 bytes a state (8 / load, load in (1/2, 3/4]).
/// Zero marks an empty slot; a fingerprint of zero is stored as one (a 2^-64 collision more). Not
/// thread-safe: the explorer adds from one thread, in a fixed order.
/// </summary>
public sealed class VisitedSet
{
    private const long MinCapacity = 16;
    private ulong[] _slots;

    public VisitedSet(long expected = 1 << 16)
    {
        long capacity = Math.Max(MinCapacity, (expected * 4 + 2) / 3);
        _slots = new ulong[capacity];
    }

    public long Count { get; private set; }

    /// <summary>Slots in the table.</summary>
    public long Capacity => _slots.LongLength;

    /// <summary>Bytes held by the table.</summary>
    public long Bytes => _slots.LongLength * sizeof(ulong);

    /// <summary>Adds FP; false when it was already there.</summary>
    public bool Add(ulong fp)
    {
        if (fp == 0)
            fp = 1;
        var slots = _slots;
        long i = Home(fp, slots.LongLength);
        while (true)
        {
            ulong s = slots[i];
            if (s == fp)
                return false;
            if (s == 0)
                break;
            if (++i == slots.LongLength)
                i = 0;
        }
        if ((Count + 1) * 4 > slots.LongLength * 3)
        {
            Grow();
            Insert(_slots, fp);
        }
        else
            slots[i] = fp;
        Count++;
        return true;
    }

    public bool Contains(ulong fp)
    {
        if (fp == 0)
            fp = 1;
        var slots = _slots;
        for (long i = Home(fp, slots.LongLength); ; )
        {
            if (slots[i] == fp)
                return true;
            if (slots[i] == 0)
                return false;
            if (++i == slots.LongLength)
                i = 0;
        }
    }

    /// <summary>The fingerprints in table order (tests compare these as sets).</summary>
    public IEnumerable<ulong> Items() => _slots.Where(s => s != 0);

    /// <summary>The home slot of FP in a table of CAPACITY slots: fastrange over a mixed FP.</summary>
    private static long Home(ulong fp, long capacity) =>
        (long)Math.BigMul(unchecked(fp * 0x9E3779B97F4A7C15UL) ^ (fp >> 32), (ulong)capacity, out _);

    private static void Insert(ulong[] slots, ulong fp)
    {
        long i = Home(fp, slots.LongLength);
        while (slots[i] != 0)
            if (++i == slots.LongLength)
                i = 0;
        slots[i] = fp;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[checked(old.LongLength + old.LongLength / 2)];
        foreach (ulong fp in old)
            if (fp != 0)
                Insert(_slots, fp);
    }
}
