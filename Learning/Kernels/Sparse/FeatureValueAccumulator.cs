using System.Diagnostics;
using System.Numerics;
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
/// bit sets in a bitmap small enough for L2 (1/32 of the buffer). Invariant: a feature's bit is set when its
/// value may be nonzero, every unmarked value is zero, and a summary bit is set exactly when its word is nonzero.
/// </remarks>
internal sealed class FeatureValueAccumulator
{
    private readonly float[] _values;
    private readonly ulong[] _touchedBits;
    private readonly ulong[] _touchedWords;

    /// <summary>Creates an accumulator for feature ids in [0, featureCount).</summary>
    public FeatureValueAccumulator(int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        _values = new float[featureCount];
        _touchedBits = new ulong[(featureCount + 63) / 64];
        _touchedWords = new ulong[(_touchedBits.Length + 63) / 64];
    }

    /// <summary>Number of features (ids lie in [0, FeatureCount)).</summary>
    public int FeatureCount => _values.Length;

    /// <summary>For every j, adds scale · values[j] to feature indices[j] and marks it touched.</summary>
    public void AddScaledRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float scale)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        values = values[..indices.Length];
        float[] accumulated = _values;
        ulong[] bits = _touchedBits;
        ulong[] words = _touchedWords;
        for (int j = 0; j < indices.Length; j++)
        {
            int feature = indices[j];
            accumulated[feature] += scale * values[j];
            bits[feature >> 6] |= 1UL << feature;
            words[feature >> 12] |= 1UL << (feature >> 6);
        }
    }

    /// <summary>
    /// Adds every touched feature's value to <paramref name="gradient"/> at key firstKey + feature, in ascending
    /// order, and empties the accumulator.
    /// </summary>
    public void FlushTo(SparseGradient gradient, int firstKey) => Drain(gradient, firstKey);

    /// <summary>Empties the accumulator without writing anything (e.g. after a batch failed half-way).</summary>
    public void Reset() => Drain(null, 0);

    private void Drain(SparseGradient? gradient, int firstKey)
    {
        for (int summaryIndex = 0; summaryIndex < _touchedWords.Length; summaryIndex++)
        {
            ulong summary = _touchedWords[summaryIndex];
            if (summary == 0)
            {
                continue;
            }

            _touchedWords[summaryIndex] = 0;
            while (summary != 0)
            {
                int wordIndex = (summaryIndex << 6) + BitOperations.TrailingZeroCount(summary);
                summary &= summary - 1;
                ulong word = _touchedBits[wordIndex];
                _touchedBits[wordIndex] = 0;
                while (word != 0)
                {
                    int feature = (wordIndex << 6) + BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    gradient?.AppendAscending(checked(firstKey + feature), _values[feature]);
                    _values[feature] = 0f;
                }
            }
        }
    }
}
