using System.Runtime.CompilerServices;
namespace Checker.Properties.Exhaustive;

/// <summary>
/// The set of visited states: 64-bit fingerprints in 256 open-addressing tables (linear probing),
/// 8 bytes a slot. A fingerprint's table is the top byte of its mixed value, its home slot there
/// the high half of (the rest of the mixed value × capacity) ("fastrange"), so a table's capacity
/// need not be a power of two and can grow by 1.5x. A table grows when an insertion would make it
/// more than 3/4 full, which leaves it just over 1/2 full; so once every table has grown or is
/// half full the set holds 10.7 to 16 bytes a state (8 / load, load in (1/2, 3/4]). Growing one
/// table at a time keeps the peak small: the old and new copies of one table, not of the whole
/// set, are alive together. Zero marks an empty slot; a fingerprint of zero is stored as one (a
/// 2^-64 collision more). Not thread-safe: the explorer adds from one thread, in a fixed order.
/// </summary>
public sealed class VisitedSet
{
    public const int Tables = 256;
    private const long MinCapacity = 16;
    private readonly ulong[][] _tables = new ulong[Tables][];
    private readonly long[] _counts = new long[Tables];

    public VisitedSet(long expected = 1 << 16)
    {
        long capacity = Math.Max(MinCapacity, (expected * 4 / Tables + 2) / 3);
        for (int t = 0; t < Tables; t++)
            _tables[t] = new ulong[capacity];
        Capacity = capacity * Tables;
    }

    public long Count { get; private set; }

    /// <summary>Slots in all the tables.</summary>
    public long Capacity { get; private set; }

    /// <summary>Bytes held by the tables.</summary>
    public long Bytes => Capacity * sizeof(ulong);

    /// <summary>Whether every table has grown or is half full: from then on the set holds at most 16 bytes a state.</summary>
    public bool Settled
    {
        get
        {
            for (int t = 0; t < Tables; t++)
                if (_counts[t] * 2 < _tables[t].LongLength)
                    return false;
            return true;
        }
    }

    /// <summary>Adds FP; false when it was already there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(ulong fp)
    {
        if (fp == 0)
            fp = 1;
        ulong mixed = Mix(fp);
        int t = (int)(mixed >> 56);
        var slots = _tables[t];
        long i = Home(mixed, slots.LongLength);
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
        if ((_counts[t] + 1) * 4 > slots.LongLength * 3)
        {
            Grow(t);
            Insert(_tables[t], fp);
        }
        else
            slots[i] = fp;
        _counts[t]++;
        Count++;
        return true;
    }

    public bool Contains(ulong fp)
    {
        if (fp == 0)
            fp = 1;
        ulong mixed = Mix(fp);
        var slots = _tables[(int)(mixed >> 56)];
        for (long i = Home(mixed, slots.LongLength); ; )
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
    public IEnumerable<ulong> Items() => _tables.SelectMany(slots => slots.Where(s => s != 0));

    private static ulong Mix(ulong fp) => unchecked(fp * 0x9E3779B97F4A7C15UL) ^ (fp >> 32);

    /// <summary>The home slot of a fingerprint whose mixed value is MIXED, in a table of CAPACITY slots: fastrange over the bits below the table's byte.</summary>
    private static long Home(ulong mixed, long capacity) => (long)Math.BigMul(mixed << 8, (ulong)capacity, out _);

    private static void Insert(ulong[] slots, ulong fp)
    {
        long i = Home(Mix(fp), slots.LongLength);
        while (slots[i] != 0)
            if (++i == slots.LongLength)
                i = 0;
        slots[i] = fp;
    }

    private void Grow(int t)
    {
        var old = _tables[t];
        var grown = new ulong[checked(old.LongLength + old.LongLength / 2)];
        foreach (ulong fp in old)
            if (fp != 0)
                Insert(grown, fp);
        _tables[t] = grown;
        Capacity += grown.LongLength - old.LongLength;
    }
}
