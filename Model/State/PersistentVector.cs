using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Checker.Model.State;

/// <summary>Builds <see cref="PersistentVector{T}"/>s (the target of collection expressions).</summary>
public static class PersistentVector
{
    public static PersistentVector<T> Create<T>(ReadOnlySpan<T> items) => PersistentVector<T>.From(items);
}

/// <summary>
/// An immutable list for the world's long lists (the bus list, the deferred lists, a group's
/// members, the per-device states): a tree of nodes 32 wide, so that reading an element is a few
/// array reads, and setting one, appending one or dropping the first one makes a new list in
/// O(log N) that shares everything else with the old one (an <see cref="ImmutableArray{T}"/>
/// copies the whole array, O(N), which made a boot of N devices O(N²)). The last 1 to 32
/// elements are kept apart, so that an append copies only them (and puts them in the tree once
/// every 32); a list of up to 32 elements is that part alone, read as a span without copying.
/// Equality is by reference, as for the immutable collections.
/// </summary>
[CollectionBuilder(typeof(PersistentVector), nameof(PersistentVector.Create))]
public sealed class PersistentVector<T> : IReadOnlyList<T>
{
    private const int Bits = 5;
    private const int Width = 1 << Bits;
    private const int Mask = Width - 1;

    private static readonly Leaf EmptyTree = new([]);

    public static readonly PersistentVector<T> Empty = new(EmptyTree, 0, 0, 0, []);

    /// <summary>
    /// The tree: element I is at position I + <see cref="_start"/>; it holds the positions below
    /// <see cref="TailOffset"/>, in full leaves, and <see cref="_tail"/> the rest (1 to 32 of them).
    /// </summary>
    private readonly Node _root;
    /// <summary>Bits of the position the root's children are chosen by; 0 when the root is a leaf.</summary>
    private readonly int _shift;
    /// <summary>Positions before it hold elements <see cref="RemoveAt"/>(0) dropped.</summary>
    private readonly int _start;
    /// <summary>The last positions, so that an append copies at most 32 elements (and the tree once every 32).</summary>
    private readonly ImmutableArray<T> _tail;
    [DerivedCache] private ImmutableArray<T> _array;

    private PersistentVector(Node root, int shift, int start, int count, ImmutableArray<T> tail)
    {
        _root = root;
        _shift = shift;
        _start = start;
        Count = count;
        _tail = tail;
    }

    public int Count { get; }

    /// <summary>The same as <see cref="Count"/> (the name the arrays it replaced had).</summary>
    public int Length => Count;

    public bool IsEmpty => Count == 0;

    /// <summary>The position of the tail's first element: the tree holds the positions below it.</summary>
    private int TailOffset => _start + Count - _tail.Length;

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index));
            int p = index + _start, tail = TailOffset;
            return p >= tail ? _tail[p - tail] : LeafAt(p).Items[p & Mask];
        }
    }

    private Leaf LeafAt(int p)
    {
        var n = _root;
        for (int s = _shift; s > 0; s -= Bits)
            n = Unsafe.As<Branch>(n).Children[(p >> s) & Mask];
        return Unsafe.As<Leaf>(n);
    }

    internal static PersistentVector<T> From(ReadOnlySpan<T> items)
    {
        if (items.IsEmpty)
            return Empty;
        int inTail = items.Length % Width == 0 ? Width : items.Length % Width;
        var tree = items[..^inTail];
        ImmutableArray<T> tail = [.. items[^inTail..]];
        if (tree.IsEmpty)
            return new PersistentVector<T>(EmptyTree, 0, 0, items.Length, tail);
        var level = new List<Node>(tree.Length / Width);
        for (int i = 0; i < tree.Length; i += Width)
            level.Add(new Leaf([.. tree.Slice(i, Width)]));
        int shift = 0;
        while (level.Count > 1)
        {
            var up = new List<Node>((level.Count + Mask) / Width);
            for (int i = 0; i < level.Count; i += Width)
                up.Add(new Branch([.. level.GetRange(i, Math.Min(Width, level.Count - i))]));
            level = up;
            shift += Bits;
        }
        return new PersistentVector<T>(level[0], shift, 0, items.Length, tail);
    }

    /// <summary>This list with element INDEX replaced by VALUE.</summary>
    public PersistentVector<T> SetItem(int index, T value)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index));
        int p = index + _start, tail = TailOffset;
        return p >= tail
            ? new PersistentVector<T>(_root, _shift, _start, Count, _tail.SetItem(p - tail, value))
            : new PersistentVector<T>(SetAt(_root, _shift, p, value), _shift, _start, Count, _tail);
    }

    private static Node SetAt(Node n, int shift, int p, T value)
    {
        int k = (p >> shift) & Mask;
        if (shift == 0)
            return new Leaf(Unsafe.As<Leaf>(n).Items.SetItem(k, value));
        var children = Unsafe.As<Branch>(n).Children;
        return new Branch(children.SetItem(k, SetAt(children[k], shift - Bits, p, value)));
    }

    /// <summary>
    /// This list with each (INDEX, VALUE) of CHANGES made in order (a later change to an index
    /// wins), each node on the way copied once.
    /// </summary>
    public PersistentVector<T> SetItems(ReadOnlySpan<(int Index, T Value)> changes)
    {
        if (changes.IsEmpty)
            return this;
        int tailOffset = TailOffset;
        var inTree = new List<(int P, T Value)>(changes.Length);
        T[]? tail = null;
        foreach (var (index, value) in changes)
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(changes));
            int p = index + _start;
            if (p >= tailOffset)
                (tail ??= _tail.ToArray())[p - tailOffset] = value;
            else
                inTree.Add((p, value));
        }
        var root = inTree.Count == 0 ? _root : SetManyAt(_root, _shift, CollectionsMarshal.AsSpan(inTree));
        return new PersistentVector<T>(root, _shift, _start, Count, tail is null ? _tail : ImmutableCollectionsMarshal.AsImmutableArray(tail));
    }

    private static Node SetManyAt(Node n, int shift, ReadOnlySpan<(int P, T Value)> changes)
    {
        if (shift == 0)
        {
            var items = Unsafe.As<Leaf>(n).Items.ToArray();
            foreach (var (p, value) in changes)
                items[p & Mask] = value;
            return new Leaf(ImmutableCollectionsMarshal.AsImmutableArray(items));
        }
        var children = Unsafe.As<Branch>(n).Children.ToArray();
        var done = new bool[changes.Length];
        var mine = new List<(int P, T Value)>(changes.Length);
        for (int i = 0; i < changes.Length; i++)
        {
            if (done[i])
                continue;
            int k = (changes[i].P >> shift) & Mask;
            mine.Clear();
            for (int j = i; j < changes.Length; j++)
                if (!done[j] && ((changes[j].P >> shift) & Mask) == k)
                {
                    done[j] = true;
                    mine.Add(changes[j]);
                }
            children[k] = SetManyAt(children[k], shift - Bits, CollectionsMarshal.AsSpan(mine));
        }
        return new Branch(ImmutableCollectionsMarshal.AsImmutableArray(children));
    }

    /// <summary>This list with VALUE at its end.</summary>
    public PersistentVector<T> Add(T value)
    {
        if (Count == 0)
            return new PersistentVector<T>(EmptyTree, 0, 0, 1, [value]);
        if (_tail.Length < Width)
            return new PersistentVector<T>(_root, _shift, _start, Count + 1, _tail.Add(value));
        // The full tail becomes the tree's next leaf.
        int p = TailOffset;
        var leaf = new Leaf(_tail);
        if (p == 0)
            return new PersistentVector<T>(leaf, 0, _start, Count + 1, [value]);
        if (p == 1 << (_shift + Bits))
            return new PersistentVector<T>(new Branch([_root, NewPath(_shift, leaf)]), _shift + Bits, _start, Count + 1, [value]);
        return new PersistentVector<T>(PushLeaf(_root, _shift, p, leaf), _shift, _start, Count + 1, [value]);
    }

    private static Node NewPath(int shift, Leaf leaf) => shift == 0 ? leaf : new Branch([NewPath(shift - Bits, leaf)]);

    /// <summary>Node N (not a leaf) with LEAF at position P, the first position after the ones it holds.</summary>
    private static Node PushLeaf(Node n, int shift, int p, Leaf leaf)
    {
        int k = (p >> shift) & Mask;
        var children = Unsafe.As<Branch>(n).Children;
        return k < children.Length
            ? new Branch(children.SetItem(k, PushLeaf(children[k], shift - Bits, p, leaf)))
            : new Branch(children.Add(NewPath(shift - Bits, leaf)));
    }

    /// <summary>This list with OTHER's elements at its end (OTHER itself when this one is empty).</summary>
    public PersistentVector<T> AddRange(PersistentVector<T> other)
    {
        if (other.Count == 0)
            return this;
        if (Count == 0)
            return other;
        var v = this;
        foreach (var x in other)
            v = v.Add(x);
        return v;
    }

    /// <summary>
    /// This list without element INDEX: the first in O(1) (the tree is shared; the positions before
    /// the start are given back when they outnumber the elements), any other by copying.
    /// </summary>
    public PersistentVector<T> RemoveAt(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index));
        if (Count == 1)
            return Empty;
        if (index == 0 && (_start < Width || _start < Count))
            return new PersistentVector<T>(_root, _shift, _start + 1, Count - 1, _tail);
        var items = new T[Count - 1];
        int i = 0, at = 0;
        foreach (var x in this)
            if (i++ != index)
                items[at++] = x;
        return From(items);
    }

    /// <summary>This list without the first element equal to VALUE; this list itself when there is none.</summary>
    public PersistentVector<T> Remove(T value)
    {
        int i = IndexOf(value);
        return i < 0 ? this : RemoveAt(i);
    }

    public int IndexOf(T value)
    {
        var eq = EqualityComparer<T>.Default;
        int i = 0;
        foreach (var x in this)
        {
            if (eq.Equals(x, value))
                return i;
            i++;
        }
        return -1;
    }

    public bool Contains(T value) => IndexOf(value) >= 0;

    /// <summary>
    /// Whether this list begins with every element of PREFIX, in order. A list made from PREFIX
    /// by appending shares its nodes, which are not compared again: O(log N) for that case.
    /// </summary>
    public bool StartsWith(PersistentVector<T> prefix)
    {
        if (ReferenceEquals(this, prefix) || prefix.Count == 0)
            return true;
        if (prefix.Count > Count)
            return false;
        var eq = EqualityComparer<T>.Default;
        int from = 0;
        if (prefix._start == _start && prefix._shift <= _shift && prefix.TailOffset <= TailOffset && prefix.TailOffset > _start)
        {
            var n = _root;
            for (int s = _shift; s > prefix._shift; s -= Bits)
                n = Unsafe.As<Branch>(n).Children[0];
            if (!SamePositions(n, prefix._root, prefix._shift, 0, _start, prefix.TailOffset))
                return false;
            from = prefix.TailOffset - _start;
        }
        for (int i = from; i < prefix.Count; i++)
            if (!eq.Equals(this[i], prefix[i]))
                return false;
        return true;
    }

    /// <summary>Whether nodes A and B (both covering positions from BASE) hold the same elements at positions FROM to END.</summary>
    private static bool SamePositions(Node a, Node b, int shift, int @base, int from, int end)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (shift == 0)
        {
            var x = Unsafe.As<Leaf>(a).Items;
            var y = Unsafe.As<Leaf>(b).Items;
            var eq = EqualityComparer<T>.Default;
            for (int p = Math.Max(from, @base); p < Math.Min(end, @base + Width); p++)
                if (!eq.Equals(x[p - @base], y[p - @base]))
                    return false;
            return true;
        }
        var ca = Unsafe.As<Branch>(a).Children;
        var cb = Unsafe.As<Branch>(b).Children;
        int span = 1 << shift;
        for (int k = 0; k < cb.Length; k++)
        {
            int lo = @base + k * span;
            if (lo + span <= from)
                continue;
            if (lo >= end)
                break;
            if (!SamePositions(ca[k], cb[k], shift - Bits, lo, from, end))
                return false;
        }
        return true;
    }

    /// <summary>Writes the elements into INTO, which is at least <see cref="Count"/> long.</summary>
    public void CopyTo(Span<T> into)
    {
        int p = _start, end = _start + Count, tail = TailOffset, at = 0;
        while (p < tail)
        {
            var items = LeafAt(p).Items;
            int n = Width - (p & Mask);
            items.AsSpan(p & Mask, n).CopyTo(into[at..]);
            at += n;
            p += n;
        }
        _tail.AsSpan(p - tail, end - p).CopyTo(into[at..]);
    }

    /// <summary>The elements in one array, made the first time (and kept) unless they are all in the tail.</summary>
    public ReadOnlySpan<T> AsSpan()
    {
        int tail = TailOffset;
        return _start >= tail ? _tail.AsSpan(_start - tail, Count) : ToImmutableArray().AsSpan();
    }

    public ImmutableArray<T> ToImmutableArray()
    {
        var array = _array;
        if (array.IsDefault)
        {
            var items = new T[Count];
            CopyTo(items);
            _array = array = ImmutableCollectionsMarshal.AsImmutableArray(items);
        }
        return array;
    }

    /// <summary>The elements in order, each leaf read once.</summary>
    public IEnumerator<T> GetEnumerator()
    {
        int p = _start, end = _start + Count, tail = TailOffset;
        while (p < tail)
        {
            var items = LeafAt(p).Items;
            int stop = (p | Mask) + 1;
            for (; p < stop; p++)
                yield return items[p & Mask];
        }
        for (; p < end; p++)
            yield return _tail[p - tail];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private abstract class Node;

    private sealed class Leaf(ImmutableArray<T> items) : Node
    {
        public readonly ImmutableArray<T> Items = items;
    }

    private sealed class Branch(ImmutableArray<Node> children) : Node
    {
        public readonly ImmutableArray<Node> Children = children;
    }
}
