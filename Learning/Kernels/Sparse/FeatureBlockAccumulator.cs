using System.Diagnostics;
using System.Numerics;
using OrleansML.Learning.Models;

namespace OrleansML.Learning.Kernels;

/// <summary>
/// Accumulates a batch's gradient per feature, as one block of <see cref="BlockLength"/> floats per touched
/// feature, and then writes it into a <see cref="SparseGradient"/> in ascending key order.
/// </summary>
/// <remarks>
/// Why not add straight into the <see cref="SparseGradient"/>? Measured here on CTR-like batches (1024 rows,
/// 40 ids a row, 2^20 features): adding in row order leaves keys unsorted, and
/// <see cref="SparseGradient.SortByKey"/> (a comparison sort) then cost most of the gradient: 1.2 ms of
/// 1.5 ms for 21.5 k random keys, against 0.1 ms for keys that already ascend. Here each nonzero costs one
/// lookup in a per-feature slot map (4 bytes per feature, not per parameter, so a factorization machine's
/// map is k+1 times smaller than the gradient's) and a contiguous block add; the touched features are then
/// ordered by a least-significant-digit radix sort (O(features)), and the gradient's own slot map is walked
/// in ascending order. Invariant: _slotOfFeature[_features[i]] == i + 1 for i &lt; count, 0 elsewhere.
/// Scratch grows to the largest batch seen and is then reused: one accumulator per model instance.
/// </remarks>
internal sealed class FeatureBlockAccumulator
{
    private const int MaximumDigitBits = 11;

    private readonly int[] _slotOfFeature;
    private readonly int[] _histogram = new int[1 << MaximumDigitBits];
    private int[] _features = new int[1024];
    private int[] _order = new int[1024];
    private int[] _swapFeatures = new int[1024];
    private int[] _swapOrder = new int[1024];
    private float[] _blocks;
    private int _count;

    /// <summary>Creates an accumulator for feature ids in [0, featureCount), blockLength floats each.</summary>
    public FeatureBlockAccumulator(int featureCount, int blockLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockLength);
        _slotOfFeature = new int[featureCount];
        BlockLength = blockLength;
        _blocks = new float[1024 * blockLength];
    }

    /// <summary>Floats per feature.</summary>
    public int BlockLength { get; }

    /// <summary>Features touched since the last flush.</summary>
    public int Count => _count;

    /// <summary>The block of <paramref name="feature"/>, zeroed when the feature is first touched.</summary>
    public Span<float> Block(int feature)
    {
        int slot = _slotOfFeature[feature];
        if (slot == 0)
        {
            slot = Append(feature);
        }

        return _blocks.AsSpan((slot - 1) * BlockLength, BlockLength);
    }

    /// <summary>Adds <paramref name="value"/> to the first float of the feature's block (blocks of one).</summary>
    public void Add(int feature, float value)
    {
        int slot = _slotOfFeature[feature];
        if (slot == 0)
        {
            slot = Append(feature);
        }

        _blocks[(slot - 1) * BlockLength] += value;
    }

    /// <summary>
    /// Adds every block to <paramref name="gradient"/> at keys firstKey + feature · stride + b, in ascending
    /// key order (features ascending, b ascending), and empties the accumulator.
    /// </summary>
    public void FlushTo(SparseGradient gradient, int firstKey, int stride)
    {
        Debug.Assert(stride >= BlockLength, "blocks of consecutive features must not overlap");
        SortTouchedFeatures();
        for (int i = 0; i < _count; i++)
        {
            int feature = _features[i];
            int key = checked(firstKey + (feature * stride));
            ReadOnlySpan<float> block = _blocks.AsSpan(_order[i] * BlockLength, BlockLength);
            for (int b = 0; b < block.Length; b++)
            {
                gradient.Add(key + b, block[b]);
            }

            _slotOfFeature[feature] = 0;
        }

        _count = 0;
    }

    /// <summary>Empties the accumulator without writing anything (e.g. after a batch failed half-way).</summary>
    public void Reset()
    {
        for (int i = 0; i < _count; i++)
        {
            _slotOfFeature[_features[i]] = 0;
        }

        _count = 0;
    }

    private int Append(int feature)
    {
        if (_count == _features.Length)
        {
            int capacity = _features.Length * 2;
            Array.Resize(ref _features, capacity);
            Array.Resize(ref _order, capacity);
            Array.Resize(ref _blocks, capacity * BlockLength);
            _swapFeatures = new int[capacity];
            _swapOrder = new int[capacity];
        }

        _blocks.AsSpan(_count * BlockLength, BlockLength).Clear();
        _features[_count] = feature;
        _count++;
        _slotOfFeature[feature] = _count;
        return _count;
    }

    /// <summary>Sorts _features ascending, carrying in _order each feature's block index.</summary>
    private void SortTouchedFeatures()
    {
        for (int i = 0; i < _count; i++)
        {
            _order[i] = i;
        }

        int keyBits = 32 - BitOperations.LeadingZeroCount((uint)Math.Max(1, _slotOfFeature.Length - 1));
        int passes = (keyBits + MaximumDigitBits - 1) / MaximumDigitBits;
        int digitBits = (keyBits + passes - 1) / passes;
        for (int pass = 0; pass < passes; pass++)
        {
            SortByDigit(pass * digitBits, digitBits);
            (_features, _swapFeatures) = (_swapFeatures, _features);
            (_order, _swapOrder) = (_swapOrder, _order);
        }
    }

    /// <summary>One stable counting-sort pass on bits [shift, shift + bits) into the swap arrays.</summary>
    private void SortByDigit(int shift, int bits)
    {
        int mask = (1 << bits) - 1;
        Span<int> histogram = _histogram.AsSpan(0, 1 << bits);
        histogram.Clear();
        ReadOnlySpan<int> features = _features.AsSpan(0, _count);
        ReadOnlySpan<int> order = _order.AsSpan(0, _count);
        foreach (int feature in features)
        {
            histogram[(feature >> shift) & mask]++;
        }

        int running = 0;
        for (int digit = 0; digit < histogram.Length; digit++)
        {
            int digitCount = histogram[digit];
            histogram[digit] = running;
            running += digitCount;
        }

        Span<int> targetFeatures = _swapFeatures.AsSpan(0, _count);
        Span<int> targetOrder = _swapOrder.AsSpan(0, _count);
        for (int i = 0; i < features.Length; i++)
        {
            int position = histogram[(features[i] >> shift) & mask]++;
            targetFeatures[position] = features[i];
            targetOrder[position] = order[i];
        }
    }
}
