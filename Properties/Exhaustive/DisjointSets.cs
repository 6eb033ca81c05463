namespace Checker.Properties.Exhaustive;

/// <summary>Union-find over 0..N-1 with path halving; a set's representative is its least element.</summary>
internal sealed class DisjointSets
{
    private readonly int[] _root;

    public DisjointSets(int n)
    {
        _root = new int[n];
        for (int i = 0; i < n; i++)
            _root[i] = i;
    }

    /// <summary>The least element of X's set.</summary>
    public int Find(int x)
    {
        while (_root[x] != x)
            x = _root[x] = _root[_root[x]];
        return x;
    }

    /// <summary>Joins the sets of A and B.</summary>
    public void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra != rb)
            _root[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }
}
