using Checker.Model.State;

namespace Checker.Model.Tests.State;

/// <summary>
/// <see cref="PersistentVector{T}"/> behaves as a list copied on every change: random sequences of
/// its operations, compared with a List after each one, over sizes that cross one, two and three
/// levels of the tree; and the lists an operation started from never change.
/// </summary>
public class PersistentVectorTests
{
    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 3_000)]
    [InlineData(3, 40_000)]
    public void Random_operations_agree_with_a_list(int seed, int steps)
    {
        var random = new Random(seed);
        var v = PersistentVector<int>.Empty;
        var list = new List<int>();
        var kept = new List<(PersistentVector<int> Vector, int[] Items)>();
        for (int step = 0; step < steps; step++)
        {
            var before = v;
            int op = random.Next(100);
            if (op < 60 || list.Count == 0)
            {
                int x = random.Next(1000);
                v = v.Add(x);
                list.Add(x);
            }
            else if (op < 75)
            {
                int i = random.Next(list.Count), x = random.Next(1000);
                v = v.SetItem(i, x);
                list[i] = x;
            }
            else if (op < 85)
            {
                v = v.RemoveAt(0);
                list.RemoveAt(0);
            }
            else if (op < 90)
            {
                int i = random.Next(list.Count);
                v = v.RemoveAt(i);
                list.RemoveAt(i);
            }
            else if (op < 95)
            {
                int x = random.Next(1000);
                v = v.Remove(x);
                list.Remove(x);
            }
            else
            {
                var changes = Enumerable.Range(0, random.Next(1, 10)).Select(_ => (random.Next(list.Count), random.Next(1000))).ToArray();
                v = v.SetItems(changes);
                foreach (var (i, x) in changes)
                    list[i] = x;
            }
            Assert.Equal(list.Count, v.Count);
            Assert.Equal(before.Count <= list.Count && list.Take(before.Count).SequenceEqual(before), v.StartsWith(before));
            if (step % 97 == 0 || steps < 500)
            {
                Assert.Equal(list, v);
                Assert.Equal(list, v.AsSpan().ToArray());
                var copy = new int[v.Count];
                v.CopyTo(copy);
                Assert.Equal(list, copy);
                for (int i = 0; i < list.Count; i += 1 + list.Count / 50)
                    Assert.Equal(list[i], v[i]);
                kept.Add((v, [.. list]));
            }
        }
        foreach (var (vector, items) in kept)
            Assert.Equal(items, vector);
    }

    [Fact]
    public void A_list_made_by_appending_starts_with_the_one_it_was_made_from()
    {
        var v = PersistentVector<int>.Empty;
        for (int i = 0; i < 70_000; i++)
        {
            var next = v.Add(i % 7);
            Assert.True(next.StartsWith(v));
            Assert.False(v.StartsWith(next));
            v = next;
        }
        var changed = v.SetItem(1_000, 99);
        Assert.False(changed.StartsWith(v));
        Assert.False(changed.Add(1).StartsWith(v));
        Assert.True(changed.Add(1).StartsWith(changed));
        Assert.True(v.RemoveAt(0).Add(5).StartsWith(v.RemoveAt(0)));
        Assert.Equal(v.Skip(1).Take(100), v.RemoveAt(0).Take(100));
    }

    [Fact]
    public void Collection_expressions_and_empty_lists()
    {
        PersistentVector<int> empty = [];
        PersistentVector<int> three = [1, 2, 3];
        Assert.True(empty.IsEmpty);
        Assert.Same(PersistentVector<int>.Empty, empty);
        Assert.Equal([1, 2, 3], three);
        Assert.Equal([1, 2, 3, 1, 2, 3], three.AddRange(three));
        Assert.Same(three, empty.AddRange(three));
        Assert.Same(three, three.Remove(7));
        Assert.True(three.RemoveAt(0).RemoveAt(0).RemoveAt(0).IsEmpty);
        Assert.Throws<ArgumentOutOfRangeException>(() => three[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => empty.RemoveAt(0));
    }
}
