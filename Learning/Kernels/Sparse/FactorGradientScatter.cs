namespace OrleansML.Learning.Kernels;

/// <summary>
/// The sparse gradient of a factorization machine's per-feature blocks [w_i, v_i1 .. v_ik], written in ascending
/// key order one feature window at a time, from rows whose loss slopes and factor sums the forward pass left.
/// </summary>
/// <remarks>
/// The window buffer holds 2^windowBits blocks of k + 1 floats (4.5 KiB of blocks per 128 features at k = 8), small
/// enough to stay in L1/L2 while a window's nonzeros are added, which a model-sized buffer (36 MiB at 2^20
/// features, k = 8) never is. Each nonzero adds t = slope · x / batch to w_i, t · (its row's factor sums) to the
/// factor slots and t · x to the feature's scalar, with no branch on whether the feature is new and no read of the
/// parameters; compaction finishes each touched feature with one read of its factors
/// (<see cref="FactorGradientKernels"/>), writes k + 1 consecutive keys, and leaves the buffers and the bitmap zero.
/// </remarks>
internal sealed class FactorGradientScatter
{
    private readonly float[] _window;
    private readonly float[] _xTerms;
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
        _xTerms = new float[1 << windowBits];
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
        Span<float> xTerms = _xTerms;
        int mask = (1 << partition.WindowBits) - 1;
        int written = 0;
        partition.Window(0, out ReadOnlySpan<int> firstFeatures, out _, out _);
        SparseRowKernels.PrefetchBlocks(firstFeatures, parameters, firstKey + 1, stride, factorCount);
        for (int w = 0; w < partition.WindowCount; w++)
        {
            // The factors are read once per touched feature, when a window is compacted: start loading the next
            // window's while this one is added and compacted (one window ahead measured faster than per nonzero).
            if (w + 1 < partition.WindowCount)
            {
                partition.Window(w + 1, out ReadOnlySpan<int> nextFeatures, out _, out _);
                SparseRowKernels.PrefetchBlocks(nextFeatures, parameters, firstKey + 1, stride, factorCount);
            }

            partition.Window(w, out ReadOnlySpan<int> features, out ReadOnlySpan<int> rows, out ReadOnlySpan<float> xs);
            if (features.Length == 0)
            {
                continue;
            }

            rows = rows[..features.Length];
            xs = xs[..features.Length];
            for (int i = 0; i < features.Length; i++)
            {
                int feature = features[i];
                int local = feature & mask;
                int row = rows[i];
                float x = xs[i];
                float t = rowScales[row] * x;
                Span<float> block = window.Slice(local * stride, stride);
                block[0] += t;
                FactorGradientKernels.AddScaledSums(t, rowSums.Slice(row * factorCount, factorCount), block[1..], level);
                xTerms[local] = MathF.FusedMultiplyAdd(t, x, xTerms[local]);
                touched[local >> 6] |= 1UL << local;
            }

            int windowFirst = w << partition.WindowBits;
            written = Compact(window, xTerms, touched, stride, firstKey + (windowFirst * stride), parameters.Slice(firstKey + (windowFirst * stride)), keys, values, written, level);
        }

        gradient.CommitAscending(written);
    }

    /// <summary>
    /// Moves the touched blocks to the output in ascending key order, finishing each block's factor gradient with the
    /// feature's factors (<paramref name="windowParameters"/> starts at the window's first block), and zeroes them.
    /// </summary>
    private static int Compact(Span<float> window, Span<float> xTerms, Span<ulong> touched, int stride, int windowKey, ReadOnlySpan<float> windowParameters, Span<int> keys, Span<float> values, int written, SimdLevel level)
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
                int b = 0;
                for (; b + Vector256<int>.Count <= blockKeys.Length; b += Vector256<int>.Count)
                {
                    (Vector256.Create(key + b) + Vector256<int>.Indices).CopyTo(blockKeys[b..]);
                }

                for (; b < blockKeys.Length; b++)
                {
                    blockKeys[b] = key + b;
                }

                Span<float> block = window.Slice(local * stride, stride);
                Span<float> output = values.Slice(written, stride);
                output[0] = block[0];
                FactorGradientKernels.Finish(block[1..], xTerms[local], windowParameters.Slice((local * stride) + 1, stride - 1), output[1..], level);
                block.Clear();
                xTerms[local] = 0f;
                written += stride;
            }
            while (bits != 0);
        }

        return written;
    }
}
