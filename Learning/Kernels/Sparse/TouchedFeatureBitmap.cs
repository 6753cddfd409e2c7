using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace OrleansML.Learning.Kernels;

/// <summary>Called once per marked feature, in ascending order, by <see cref="TouchedFeatureBitmap.DrainAscending"/>.</summary>
internal interface ITouchedFeatureVisitor
{
    void Visit(int feature);
}

/// <summary>
/// The features a batch touched, as a two-level bitmap: one bit per feature, and one summary bit per 64-feature
/// word. Walking the marked features in ascending order then costs O(features / 4096 + touched) without a sort:
/// for 2^20 features the walk reads 256 summary words plus the marked words.
/// </summary>
/// <remarks>
/// Invariant: a summary bit is set exactly when its word is nonzero. A struct over two arrays, so that a hot loop
/// can copy it into a local and the JIT keeps both arrays in registers.
/// </remarks>
internal readonly struct TouchedFeatureBitmap
{
    private readonly ulong[] _bits;
    private readonly ulong[] _summary;

    /// <summary>Creates an empty bitmap for feature ids in [0, featureCount).</summary>
    public TouchedFeatureBitmap(int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        _bits = new ulong[(featureCount + 63) / 64];
        _summary = new ulong[(_bits.Length + 63) / 64];
    }

    /// <summary>Marks <paramref name="feature"/> (marking it again changes nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Mark(int feature)
    {
        // Shifts of a ulong use the low 6 bits of the count, so 1UL << feature is the feature's bit in its word.
        _bits[feature >> 6] |= 1UL << feature;
        _summary[feature >> 12] |= 1UL << (feature >> 6);
    }

    /// <summary>
    /// Zeroes the word and the summary word that hold <paramref name="feature"/>'s bits, unmarking their other
    /// features too: only for discarding every marked feature, one by one, without walking the bitmap.
    /// </summary>
    public void ClearWordsOf(int feature)
    {
        _bits[feature >> 6] = 0;
        _summary[feature >> 12] = 0;
    }

    /// <summary>Calls <paramref name="visitor"/> for every marked feature in ascending order, and unmarks them all.</summary>
    public void DrainAscending<TVisitor>(ref TVisitor visitor)
        where TVisitor : struct, ITouchedFeatureVisitor
    {
        ulong[] bits = _bits;
        ulong[] summary = _summary;
        for (int summaryIndex = 0; summaryIndex < summary.Length; summaryIndex++)
        {
            ulong words = summary[summaryIndex];
            if (words == 0)
            {
                continue;
            }

            summary[summaryIndex] = 0;
            while (words != 0)
            {
                int wordIndex = (summaryIndex << 6) + BitOperations.TrailingZeroCount(words);
                words &= words - 1;
                ulong word = bits[wordIndex];
                Debug.Assert(word != 0, "a summary bit is set only for a nonzero word");
                bits[wordIndex] = 0;
                while (word != 0)
                {
                    visitor.Visit((wordIndex << 6) + BitOperations.TrailingZeroCount(word));
                    word &= word - 1;
                }
            }
        }
    }
}
