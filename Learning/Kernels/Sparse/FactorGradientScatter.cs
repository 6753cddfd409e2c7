using System.Diagnostics;
using System.Numerics;
using OrleansML.Learning.Models;

namespace OrleansML.Learning.Kernels;

/// <summary>
/// The sparse gradient of a factorization machine's per-feature blocks [w_i, v_i1 .. v_ik], written in ascending
/// key order one feature window at a time, from rows whose loss slopes and factor sums the forward pass left.
/// </summary>
/// <remarks>
/// The window buffer holds 2^windowBits blocks of k + 1 floats (4.5 KiB of blocks per 128 features at k = 8), small
/// enough to stay in L1/L2 while a window's nonzeros are added, which a model-sized buffer (36 MiB at 2^20
/// features, k = 8) never is. Each nonzero is one scalar add for w_i and one
/// <see cref="FactorKernels.AddFactorPartials(ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, Span{float}, SimdLevel)"/>
/// for its factors, with no branch on whether the feature is new. Compaction writes k + 1 consecutive keys per
/// touched feature and leaves the buffer and the bitmap zero.
/// </remarks>
internal sealed class FactorGradientScatter
{
    // Nonzeros ahead whose factors are loaded while one is added: the forward pass read them, but a batch's
    // blocks outgrow L2 before the scatter comes back to them.
    private const int PrefetchDistance = 8;

    private readonly float[] _window;
    private readonly ulong[] _touched;
    private readonly int _stride;
    private readonly int _factorCount;

    /// <summary>Creates the scratch for windows of 2^windowBits features of k = factorCount factors each.</summary>
    public FactorGradientScatter(int windowBits, int factorCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(windowBits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factorCount);
        _factorCount = factorCount;
        _stride = factorCount + 1;
        _window = new float[(1 << windowBits) * _stride];
        _touched = new ulong[Math.Max(1, (1 << windowBits) / 64)];
    }

    /// <summary>
    /// Appends the batch's gradient of the feature blocks to <paramref name="gradient"/>: the block of feature i
    /// at keys firstKey + i · (k + 1) onwards, after the keys it holds. Per batch row, <paramref name="rowScales"/>
    /// holds the loss slope over the batch size and <paramref name="rowSums"/> the k factor sums Σ_j x_j v_j.
    /// The factors of feature i are read at parameters[firstKey + 1 + i · (k + 1)].
    /// </summary>
    public void ScatterTo(
        BatchNonzeroPartition partition,
        ReadOnlySpan<float> rowScales,
        ReadOnlySpan<float> rowSums,
        ReadOnlySpan<float> parameters,
        SparseGradient gradient,
        int firstKey,
        SimdLevel level)
    {
        Debug.Assert(_touched.Length * 64 >= 1 << partition.WindowBits && _window.Length >= (1 << partition.WindowBits) * _stride, "scratch sized for the partition's windows");
        int stride = _stride;
        int factorCount = _factorCount;
        gradient.ReserveAscending(checked(partition.Count * stride), out Span<int> keys, out Span<float> values);
        Span<float> window = _window;
        Span<ulong> touched = _touched;
        int mask = (1 << partition.WindowBits) - 1;
        int written = 0;
        for (int w = 0; w < partition.WindowCount; w++)
        {
            partition.Window(w, out ReadOnlySpan<int> features, out ReadOnlySpan<int> rows, out ReadOnlySpan<float> xs);
            if (features.Length == 0)
            {
                continue;
            }

            rows = rows[..features.Length];
            xs = xs[..features.Length];
            for (int i = 0; i < features.Length; i++)
            {
                if (i + PrefetchDistance < features.Length)
                {
                    SparseRowKernels.PrefetchBlocks(features.Slice(i + PrefetchDistance, 1), parameters, firstKey + 1, stride, factorCount);
                }

                int feature = features[i];
                int local = feature & mask;
                int row = rows[i];
                float x = xs[i];
                float scale = rowScales[row];
                Span<float> block = window.Slice(local * stride, stride);
                block[0] += scale * x;
                FactorKernels.AddFactorPartials(
                    parameters.Slice(firstKey + 1 + (feature * stride), factorCount),
                    x,
                    rowSums.Slice(row * factorCount, factorCount),
                    scale,
                    block[1..],
                    level);
                touched[local >> 6] |= 1UL << local;
            }

            written = Compact(window, touched, stride, firstKey + ((w << partition.WindowBits) * stride), keys, values, written);
        }

        gradient.CommitAscending(written);
    }

    /// <summary>Moves the touched blocks to the output in ascending key order and zeroes them.</summary>
    private static int Compact(Span<float> window, Span<ulong> touched, int stride, int windowKey, Span<int> keys, Span<float> values, int written)
    {
        for (int word = 0; word < touched.Length; word++)
        {
            ulong bits = touched[word];
            if (bits == 0)
            {
                continue;
            }

            touched[word] = 0;
            int wordBase = word << 6;
            do
            {
                int local = wordBase + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                int key = windowKey + (local * stride);
                Span<int> blockKeys = keys.Slice(written, stride);
                for (int b = 0; b < blockKeys.Length; b++)
                {
                    blockKeys[b] = key + b;
                }

                Span<float> block = window.Slice(local * stride, stride);
                block.CopyTo(values.Slice(written, stride));
                block.Clear();
                written += stride;
            }
            while (bits != 0);
        }

        return written;
    }
}
