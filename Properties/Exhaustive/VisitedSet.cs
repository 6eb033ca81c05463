namespace Checker.Properties.Exhaustive;

/// <summary>
/// The set of visited states: 64-bit fingerprints in one open-addressing table (linear probing,
/// power-of-two capacity, at most 3/4 full), 8 bytes a slot, so 10.7 to 21.3 bytes a state. Zero
/// marks an empty slot; a fingerprint of zero is stored as one (a 2^-64 collision more). Not
/// thread-safe: the explorer adds from one thread, in a fixed order.
/// </summary>
public sealed class VisitedSet
{
    private ulong[] _slots;
    private int _mask;

    public VisitedSet(long expected = 1 << 16)
    {
        long capacity = 16;
        while (capacity * 3 / 4 < expected)
            capacity *= 2;
        _slots = new ulong[capacity];
        _mask = (int)(capacity - 1);
    }

    public long Count { get; private set; }

    /// <summary>Bytes held by the table.</summary>
    public long Bytes => (long)_slots.Length * sizeof(ulong);

    /// <summary>Adds FP; false when it was already there.</summary>
    public bool Add(ulong fp)
    {
        if (fp == 0)
            fp = 1;
        if ((Count + 1) * 4 > (long)_slots.Length * 3)
            Grow();
        int i = Slot(fp, _mask);
        while (true)
        {
            ulong s = _slots[i];
            if (s == fp)
                return false;
            if (s == 0)
            {
                _slots[i] = fp;
                Count++;
                return true;
            }
            i = (i + 1) & _mask;
        }
    }

    public bool Contains(ulong fp)
    {
        if (fp == 0)
            fp = 1;
        for (int i = Slot(fp, _mask); ; i = (i + 1) & _mask)
        {
            if (_slots[i] == fp)
                return true;
            if (_slots[i] == 0)
                return false;
        }
    }

    /// <summary>The fingerprints in table order (tests compare these as sets).</summary>
    public IEnumerable<ulong> Items() => _slots.Where(s => s != 0);

    private static int Slot(ulong fp, int mask) => (int)((fp ^ (fp >> 29)) & (uint)mask);

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[checked(old.Length * 2)];
        _mask = _slots.Length - 1;
        foreach (ulong fp in old)
        {
            if (fp == 0)
                continue;
            int i = Slot(fp, _mask);
            while (_slots[i] != 0)
                i = (i + 1) & _mask;
            _slots[i] = fp;
        }
    }
}
