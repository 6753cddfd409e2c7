namespace OrleansML.Grains.Shards;

/// <summary>
/// A step's row-weighted sums of sparse pushes, held only at the union of their keys (sorted), so that a shard of
/// a sparse model never holds a slice-sized sum buffer. Each push is merged into the sums in arrival order.
/// </summary>
/// <remarks>
/// A key's sum is <c>0.0 + v1*r1 + v2*r2 + ...</c> in push order: the same additions, in the same order, as a dense
/// <c>double</c> buffer cleared to zero would make, so both give the same bits. Memory is two pairs of arrays as
/// long as the largest union seen (the merge writes into the spare pair, then the pairs swap); they are reused
/// across steps. Invariant: <c>_keys[0.._count]</c> is strictly increasing.
/// </remarks>
internal sealed class SparseStepSums
{
    private int[] _keys = [];
    private double[] _sums = [];
    private int[] _spareKeys = [];
    private double[] _spareSums = [];
    private int _count;

    /// <summary>The number of distinct keys pushed this step.</summary>
    public int Count => _count;

    /// <summary>The distinct keys pushed this step, ascending.</summary>
    public ReadOnlySpan<int> Keys => _keys.AsSpan(0, _count);

    /// <summary>Each key's row-weighted sum, in the order of <see cref="Keys"/>.</summary>
    public ReadOnlySpan<double> Sums => _sums.AsSpan(0, _count);

    /// <summary>Adds <c>values[i] * rows</c> at <c>sortedKeys[i]</c> (strictly increasing keys).</summary>
    public void Add(ReadOnlySpan<int> sortedKeys, ReadOnlySpan<float> values, long rows)
    {
        Debug.Assert(sortedKeys.Length == values.Length);
        int capacity = _count + sortedKeys.Length;
        if (_spareKeys.Length < capacity)
        {
            int length = Math.Max(capacity, Math.Min(Array.MaxLength, 2 * _spareKeys.Length));
            _spareKeys = new int[length];
            _spareSums = new double[length];
        }

        int[] keys = _spareKeys;
        double[] sums = _spareSums;
        int held = 0;
        int pushed = 0;
        int written = 0;
        while (held < _count && pushed < sortedKeys.Length)
        {
            Debug.Assert(pushed == 0 || sortedKeys[pushed] > sortedKeys[pushed - 1], "push keys are checked sorted and unique");
            int heldKey = _keys[held];
            int pushedKey = sortedKeys[pushed];
            if (heldKey < pushedKey)
            {
                keys[written] = heldKey;
                sums[written++] = _sums[held++];
            }
            else
            {
                keys[written] = pushedKey;
                double sum = heldKey == pushedKey ? _sums[held++] : 0.0;
                sums[written++] = sum + ((double)values[pushed++] * rows);
            }
        }

        for (; held < _count; held++)
        {
            keys[written] = _keys[held];
            sums[written++] = _sums[held];
        }

        for (; pushed < sortedKeys.Length; pushed++)
        {
            keys[written] = sortedKeys[pushed];
            sums[written++] = 0.0 + ((double)values[pushed] * rows);
        }

        (_spareKeys, _keys) = (_keys, keys);
        (_spareSums, _sums) = (_sums, sums);
        _count = written;
    }

    /// <summary>Forgets the step's sums (the arrays stay for the next step).</summary>
    public void Clear() => _count = 0;
}
