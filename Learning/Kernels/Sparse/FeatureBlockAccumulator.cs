using System.Diagnostics;
using OrleansML.Learning.Models;

namespace OrleansML.Learning.Kernels;

/// <summary>
/// Accumulates a batch's gradient per feature, as one block of <see cref="BlockLength"/> floats per touched
/// feature, and then writes it into a <see cref="SparseGradient"/> in ascending key order.
/// </summary>
/// <remarks>
/// Why not add straight into the <see cref="SparseGradient"/>? Adding in row order leaves keys unsorted, and
/// <see cref="SparseGradient.SortByKey"/> (a comparison sort) then dominated the gradient: measured here on a
/// CTR-like batch (1024 rows, 40 ids a row, 2^20 features, 21.5 k distinct keys), 1.2 ms of 1.5 ms for keys in
/// random order, against 0.1 ms for keys that already ascend. Here each nonzero costs one lookup in a
/// per-feature slot map (4 bytes per feature, not per parameter, so a factorization machine's map is k+1
/// times smaller than the gradient's) and a contiguous block add. The touched features are also marked in a
/// <see cref="TouchedFeatureBitmap"/>, so the flush walks them in ascending order without sorting: a radix sort
/// of the 29 k features of such a batch took 0.4 ms, while the walk reads only 256 summary words for 2^20
/// features plus the marked words. The gradient's own slot map is then filled in ascending order.
/// Invariants: _slotOfFeature[_features[i]] == i + 1 for i &lt; count and 0 elsewhere; a feature is marked
/// exactly when its slot is nonzero.
/// Scratch grows to the largest batch seen and is then reused: one accumulator per model instance.
/// </remarks>
internal sealed class FeatureBlockAccumulator
{
    private readonly int[] _slotOfFeature;
    private readonly TouchedFeatureBitmap _touched;
    private int[] _features = new int[1024];
    private float[] _blocks;
    private int _count;

    /// <summary>Creates an accumulator for feature ids in [0, featureCount), blockLength floats each.</summary>
    public FeatureBlockAccumulator(int featureCount, int blockLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockLength);
        _slotOfFeature = new int[featureCount];
        _touched = new TouchedFeatureBitmap(featureCount);
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

    /// <summary>
    /// Adds every block to <paramref name="gradient"/> at keys firstKey + feature · stride + b, in ascending
    /// key order (features ascending, b ascending), and empties the accumulator.
    /// </summary>
    public void FlushTo(SparseGradient gradient, int firstKey, int stride)
    {
        Debug.Assert(stride >= BlockLength, "blocks of consecutive features must not overlap");
        var flush = new Flush(_slotOfFeature, _blocks, BlockLength, gradient, firstKey, stride);
        _touched.DrainAscending(ref flush);
        Debug.Assert(flush.Flushed == _count, "every touched feature was marked exactly once");
        _count = 0;
    }

    /// <summary>Empties the accumulator without writing anything (e.g. after a batch failed half-way).</summary>
    public void Reset()
    {
        for (int i = 0; i < _count; i++)
        {
            int feature = _features[i];
            _slotOfFeature[feature] = 0;
            _touched.ClearWordsOf(feature);
        }

        _count = 0;
    }

    private int Append(int feature)
    {
        if (_count == _features.Length)
        {
            Array.Resize(ref _features, _features.Length * 2);
            Array.Resize(ref _blocks, _features.Length * BlockLength);
        }

        _blocks.AsSpan(_count * BlockLength, BlockLength).Clear();
        _features[_count] = feature;
        _count++;
        _slotOfFeature[feature] = _count;
        _touched.Mark(feature);
        return _count;
    }

    /// <summary>Appends a touched feature's block to the gradient and frees its slot.</summary>
    private struct Flush(int[] slotOfFeature, float[] blocks, int blockLength, SparseGradient gradient, int firstKey, int stride) : ITouchedFeatureVisitor
    {
        public int Flushed { get; private set; }

        public void Visit(int feature)
        {
            int slot = slotOfFeature[feature];
            Debug.Assert(slot > 0, "a feature is marked only while it holds a block");
            slotOfFeature[feature] = 0;
            int key = checked(firstKey + (feature * stride));
            ReadOnlySpan<float> block = blocks.AsSpan((slot - 1) * blockLength, blockLength);
            for (int b = 0; b < block.Length; b++)
            {
                gradient.AppendAscending(key + b, block[b]);
            }

            Flushed++;
        }
    }
}
