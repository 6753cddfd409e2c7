using System.Diagnostics.CodeAnalysis;

namespace OrleansML.Learning.Kernels;

/// <summary>
/// Kernels over one CSR row (parallel spans of feature ids and values) against a flat parameter vector:
/// gather (dot), scatter (axpy into a dense vector) and collection of the parameter keys a row reads.
/// </summary>
/// <remarks>
/// The strided forms address parameter <c>offset + id * stride</c>, which is how models with several
/// parameters per feature (factorization machines) lay them out; the plain forms are offset 0, stride 1.
/// Every access is bounds-checked (span indexing in the scalar loops, a vector compare before each gather):
/// a dataset's id arrays are shared with whoever built it, so range checks done at construction cannot be
/// trusted to still hold, and a corrupt id must fail loudly instead of reading foreign memory: an
/// <see cref="IndexOutOfRangeException"/> from the scalar loops, an <see cref="ArgumentOutOfRangeException"/>
/// from the vector check.
/// <para>
/// Gather or scalar? Measured by <c>Benchmarks/Kernels/SparseGradientBenchmark.cs</c> (CTR-like rows, 40 ids
/// per row, power-law ids over 2^20 floats = 4 MiB of weights, 8 M nonzeros, 0.5 s warm-up) on this build
/// machine's AMD EPYC (AVX2 + FMA, 2 vCPU), scalar with four accumulators vs <c>vgatherdps</c>, M nonzeros/s:
/// 292 vs 448 (gather 1.53x) on a quiet machine; with other builds running, as the best of 5 rounds, 202 vs 266
/// (1.31x), 243 vs 372 (1.53x) and 184 vs 304 (1.65x). (One early single-round run under heavy load gave 197
/// vs 158.) Gathers are slow on older AMD cores, but here the random loads dominate and one gather keeps eight
/// of them in flight, so <see cref="Dot(ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, SimdLevel)"/> uses the gather wherever AVX2 exists;
/// the scalar loop stays as the fallback and the reference the tests compare with.
/// </para>
/// </remarks>
internal static class SparseRowKernels
{
    /// <summary>Σ values[j] · weights[indices[j]], at the level <see cref="KernelSupport"/> picks.</summary>
    public static float Dot(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> weights) =>
        Dot(indices, values, weights, KernelSupport.Level);

    /// <summary>
    /// Σ values[j] · weights[indices[j]] with the AVX2 gather from <see cref="SimdLevel.Avx2"/> up (.NET exposes no
    /// 512-bit gather, and the random loads, not the lanes, bound this loop), scalar below.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> weights, SimdLevel level) =>
        level >= SimdLevel.Avx2 ? DotGather(indices, values, weights) : DotScalar(indices, values, weights);

    /// <summary>Σ values[j] · weights[offset + indices[j] · stride], at the level <see cref="KernelSupport"/> picks.</summary>
    public static float DotStrided(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> weights, int offset, int stride) =>
        KernelSupport.Level >= SimdLevel.Avx2 ? DotStridedGather(indices, values, weights, offset, stride) : DotStridedScalar(indices, values, weights, offset, stride);

    /// <summary>Scalar gather with four independent accumulators, so that loads overlap.</summary>
    public static float DotScalar(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> weights)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        values = values[..indices.Length];
        float sum0 = 0f, sum1 = 0f, sum2 = 0f, sum3 = 0f;
        int j = 0;
        for (; j <= indices.Length - 4; j += 4)
        {
            sum0 += values[j] * weights[indices[j]];
            sum1 += values[j + 1] * weights[indices[j + 1]];
            sum2 += values[j + 2] * weights[indices[j + 2]];
            sum3 += values[j + 3] * weights[indices[j + 3]];
        }

        for (; j < indices.Length; j++)
        {
            sum0 += values[j] * weights[indices[j]];
        }

        return (sum0 + sum1) + (sum2 + sum3);
    }

    /// <summary>Scalar strided gather with four independent accumulators.</summary>
    public static float DotStridedScalar(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> weights, int offset, int stride)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        Debug.Assert(offset >= 0 && stride > 0, "offset and stride address forward");
        values = values[..indices.Length];
        float sum0 = 0f, sum1 = 0f, sum2 = 0f, sum3 = 0f;
        int j = 0;
        for (; j <= indices.Length - 4; j += 4)
        {
            sum0 += values[j] * weights[checked(offset + (indices[j] * stride))];
            sum1 += values[j + 1] * weights[checked(offset + (indices[j + 1] * stride))];
            sum2 += values[j + 2] * weights[checked(offset + (indices[j + 2] * stride))];
            sum3 += values[j + 3] * weights[checked(offset + (indices[j + 3] * stride))];
        }

        for (; j < indices.Length; j++)
        {
            sum0 += values[j] * weights[checked(offset + (indices[j] * stride))];
        }

        return (sum0 + sum1) + (sum2 + sum3);
    }

    /// <summary>AVX2 gather of eight weights at a time (falls back to <see cref="DotScalar"/> without AVX2).</summary>
    public static float DotGather(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> weights) =>
        DotStridedGather(indices, values, weights, 0, 1);

    /// <summary>AVX2 strided gather (falls back to <see cref="DotStridedScalar"/> without AVX2).</summary>
    public static unsafe float DotStridedGather(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> weights, int offset, int stride)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        if (!Avx2.IsSupported || indices.Length < Vector256<int>.Count || offset >= weights.Length)
        {
            return DotStridedScalar(indices, values, weights, offset, stride);
        }

        values = values[..indices.Length];
        // Ids below this limit address offset + id*stride <= weights.Length - 1, so the multiply cannot wrap.
        uint idLimit = (uint)((weights.Length - 1 - offset) / stride) + 1;
        Vector256<uint> limit = Vector256.Create(idLimit);
        Vector256<int> strides = Vector256.Create(stride);
        Vector256<int> offsets = Vector256.Create(offset);
        Vector256<float> accumulator = Vector256<float>.Zero;
        int j = 0;
        fixed (int* idBase = &MemoryMarshal.GetReference(indices))
        fixed (float* valueBase = &MemoryMarshal.GetReference(values))
        fixed (float* weightBase = &MemoryMarshal.GetReference(weights))
        {
            for (; j <= indices.Length - Vector256<int>.Count; j += Vector256<int>.Count)
            {
                Vector256<int> ids = Avx.LoadVector256(idBase + j);
                if (!Vector256.LessThanAll(ids.AsUInt32(), limit))
                {
                    ThrowIdOutOfRange(j, idLimit, nameof(indices));
                }

                Vector256<int> positions = stride == 1 ? ids : Avx2.Add(Avx2.MultiplyLow(ids, strides), offsets);
                Vector256<float> gathered = Avx2.GatherVector256(weightBase, positions, 4);
                Vector256<float> rowValues = Avx.LoadVector256(valueBase + j);
                accumulator = Fma.IsSupported
                    ? Fma.MultiplyAdd(gathered, rowValues, accumulator)
                    : Avx.Add(Avx.Multiply(gathered, rowValues), accumulator);
            }
        }

        float sum = Vector256.Sum(accumulator);
        for (; j < indices.Length; j++)
        {
            sum += values[j] * weights[checked(offset + (indices[j] * stride))];
        }

        return sum;
    }

    /// <summary>
    /// Starts loading the parameter blocks [offset + id · stride, offset + id · stride + length) of a row's ids, so
    /// that their cache misses overlap the work before the row is reached. A hint: blocks out of range are skipped,
    /// and it does nothing without SSE.
    /// </summary>
    public static unsafe void PrefetchBlocks(ReadOnlySpan<int> indices, ReadOnlySpan<float> parameters, int offset, int stride, int length)
    {
        Debug.Assert(offset >= 0 && stride > 0 && length > 0, "blocks address forward");
        if (!Sse.IsSupported)
        {
            return;
        }

        long limit = parameters.Length - (long)length;
        fixed (float* parameterBase = &MemoryMarshal.GetReference(parameters))
        {
            foreach (int id in indices)
            {
                long start = offset + ((long)id * stride);
                if ((ulong)start <= (ulong)limit)
                {
                    Sse.Prefetch0(parameterBase + start);
                    Sse.Prefetch0(parameterBase + start + length - 1);
                }
            }
        }
    }

    /// <summary>weights[offset + indices[j] · stride] += scale · values[j] (repeated ids accumulate).</summary>
    /// <remarks>AVX2 has no scatter, and repeated ids within a row would make one unsafe anyway.</remarks>
    public static void ScatterAdd(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float scale, Span<float> weights, int offset = 0, int stride = 1)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        values = values[..indices.Length];
        for (int j = 0; j < indices.Length; j++)
        {
            weights[checked(offset + (indices[j] * stride))] += scale * values[j];
        }
    }

    /// <summary>Adds key offset + indices[j] · stride (value zero) for every id of a row.</summary>
    public static void CollectKeys(ReadOnlySpan<int> indices, SparseGradient keys, int offset = 0, int stride = 1)
    {
        int limit = keys.ParameterCount;
        foreach (int id in indices)
        {
            int key = checked(offset + (id * stride));
            if ((uint)key >= (uint)limit)
            {
                ThrowKeyOutOfRange(id, key, limit, nameof(indices));
            }

            keys.Add(key, 0f);
        }
    }

    [DoesNotReturn]
    private static void ThrowIdOutOfRange(int position, uint idLimit, string parameterName) =>
        throw new ArgumentOutOfRangeException(parameterName, $"A feature id among positions {position}..{position + 7} of the row lies outside the {idLimit} features the parameters hold.");

    [DoesNotReturn]
    private static void ThrowKeyOutOfRange(int id, int key, int limit, string parameterName) =>
        throw new ArgumentOutOfRangeException(parameterName, $"Feature id {id} addresses parameter {key}, outside the gradient's {limit} parameters.");
}
