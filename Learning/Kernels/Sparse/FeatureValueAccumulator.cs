using System.Diagnostics;
using OrleansML.Learning.Models;

namespace OrleansML.Learning.Kernels;

/// <summary>
/// Accumulates one float per feature for a batch (a linear model's sparse gradient) in a dense buffer, marks
/// the touched features in a two-level bitmap, and writes them into a <see cref="SparseGradient"/> in
/// ascending key order.
/// </summary>
/// <remarks>
/// Why a dense buffer rather than <see cref="FeatureBlockAccumulator"/>'s slot map: with one float per feature
/// the slot map saves no memory, and its "is this feature new?" branch depends on a load that usually misses
/// the cache; it mispredicts on a third to two thirds of CTR nonzeros, and each mispredict serialises the
/// misses the out-of-order core would otherwise overlap. Here every nonzero is a branch-free add plus two
/// bit sets in a <see cref="TouchedFeatureBitmap"/> small enough for L2 (1/32 of the buffer). Invariant: a
/// feature is marked when its value may be nonzero, and every unmarked value is zero.
/// </remarks>
internal sealed class FeatureValueAccumulator
{
    private readonly float[] _values;
    private readonly TouchedFeatureBitmap _touched;

    /// <summary>Creates an accumulator for feature ids in [0, featureCount).</summary>
    public FeatureValueAccumulator(int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        _values = new float[featureCount];
        _touched = new TouchedFeatureBitmap(featureCount);
    }

    /// <summary>Number of features (ids lie in [0, FeatureCount)).</summary>
    public int FeatureCount => _values.Length;

    /// <summary>For every j, adds scale · values[j] to feature indices[j] and marks it touched.</summary>
    public void AddScaledRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float scale)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        values = values[..indices.Length];
        float[] accumulated = _values;
        TouchedFeatureBitmap touched = _touched;
        for (int j = 0; j < indices.Length; j++)
        {
            int feature = indices[j];
            accumulated[feature] += scale * values[j];
            touched.Mark(feature);
        }
    }

    /// <summary>
    /// Adds every touched feature's value to <paramref name="gradient"/> at key firstKey + feature, in ascending
    /// order, and empties the accumulator.
    /// </summary>
    public void FlushTo(SparseGradient gradient, int firstKey)
    {
        var drain = new Drain(_values, gradient, firstKey);
        _touched.DrainAscending(ref drain);
    }

    /// <summary>Empties the accumulator without writing anything (e.g. after a batch failed half-way).</summary>
    public void Reset()
    {
        var drain = new Drain(_values, null, 0);
        _touched.DrainAscending(ref drain);
    }

    /// <summary>Writes a touched feature's value to the gradient, if any, and zeroes it.</summary>
    private readonly struct Drain(float[] values, SparseGradient? gradient, int firstKey) : ITouchedFeatureVisitor
    {
        public void Visit(int feature)
        {
            gradient?.AppendAscending(checked(firstKey + feature), values[feature]);
            values[feature] = 0f;
        }
    }
}
