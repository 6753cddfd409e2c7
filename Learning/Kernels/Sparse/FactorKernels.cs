namespace OrleansML.Learning.Kernels;

/// <summary>
/// Kernels for the factor part of a degree-2 factorization machine, whose k factors per feature are
/// contiguous: each nonzero costs O(k) vector work, which is Rendle's O(k · nnz) formulation.
/// </summary>
/// <remarks>
/// Each routine has a scalar, a <see cref="Vector256{T}"/> and a <see cref="Vector512{T}"/> path, picked by the
/// <see cref="SimdLevel"/> the caller read once per batch: the row's sums held in one register pair when k is 8
/// (256-bit) or 16 (512-bit), otherwise in memory, updated in 512- and 256-bit chunks and a scalar tail. Every path computes each element with the same
/// operations in the same order (a product, an add, and the same fused multiply-adds, <see cref="MathF.FusedMultiplyAdd"/>
/// in the scalar code), so the paths agree bit for bit and the tests can demand equality.
/// </remarks>
internal static class FactorKernels
{
    /// <summary>
    /// One pass over a row's nonzeros, each feature's block [w, v_0 .. v_{k-1}] (at parameters[blockOffset + id · stride])
    /// read once: returns Σ_j x_j · w_{id_j} and writes sums[f] = Σ_j x_j · v_{id_j, f}, squareSums[f] = Σ_j (x_j · v_{id_j, f})².
    /// </summary>
    /// <remarks>
    /// Replaces a linear pass followed by a factor pass: on the kernels benchmark's rows over 2^20 features (36 MiB of
    /// blocks at k = 8), one pass with the next row's blocks prefetched ran the FM forward at 2.5x the two passes.
    /// Every level adds each factor's terms in nonzero order with the same operations, so the results agree bit for bit.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A feature's block lies outside <paramref name="parameters"/>.</exception>
    public static float AccumulateRow(
        ReadOnlySpan<int> indices,
        ReadOnlySpan<float> values,
        ReadOnlySpan<float> parameters,
        int blockOffset,
        int stride,
        Span<float> sums,
        Span<float> squareSums,
        SimdLevel level)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        Debug.Assert(sums.Length == squareSums.Length && sums.Length < stride, "one sum per factor, the block holds w and the factors");
        int factorCount = sums.Length;
        values = values[..indices.Length];
        squareSums = squareSums[..factorCount];
        float linear = 0f;
        if (level >= SimdLevel.Avx2 && factorCount == Vector256<float>.Count)
        {
            // k = 8: the sums stay in two registers for the whole row.
            Vector256<float> sum = Vector256<float>.Zero;
            Vector256<float> squares = Vector256<float>.Zero;
            for (int j = 0; j < indices.Length; j++)
            {
                ReadOnlySpan<float> block = parameters.Slice(checked(blockOffset + (indices[j] * stride)), 1 + Vector256<float>.Count);
                float x = values[j];
                linear += x * block[0];
                Vector256<float> term = Vector256.Create(x) * Vector256.Create(block[1..]);
                sum += term;
                squares = Vector256.FusedMultiplyAdd(term, term, squares);
            }

            sum.CopyTo(sums);
            squares.CopyTo(squareSums);
            return linear;
        }

        if (level == SimdLevel.Avx512 && factorCount == Vector512<float>.Count)
        {
            Vector512<float> sum = Vector512<float>.Zero;
            Vector512<float> squares = Vector512<float>.Zero;
            for (int j = 0; j < indices.Length; j++)
            {
                ReadOnlySpan<float> block = parameters.Slice(checked(blockOffset + (indices[j] * stride)), 1 + Vector512<float>.Count);
                float x = values[j];
                linear += x * block[0];
                Vector512<float> term = Vector512.Create(x) * Vector512.Create(block[1..]);
                sum += term;
                squares = Vector512.FusedMultiplyAdd(term, term, squares);
            }

            sum.CopyTo(sums);
            squares.CopyTo(squareSums);
            return linear;
        }

        sums.Clear();
        squareSums.Clear();
        for (int j = 0; j < indices.Length; j++)
        {
            ReadOnlySpan<float> block = parameters.Slice(checked(blockOffset + (indices[j] * stride)), 1 + factorCount);
            float x = values[j];
            linear += x * block[0];
            AddTerms(block[1..], x, sums, squareSums, level);
        }

        return linear;
    }

    /// <summary>½ Σ_f (sums[f]² − squareSums[f]) = Σ_{a&lt;b} ⟨v_a, v_b⟩ x_a x_b, summed in factor order by every path.</summary>
    public static float PairwiseInteraction(ReadOnlySpan<float> sums, ReadOnlySpan<float> squareSums)
    {
        Debug.Assert(sums.Length == squareSums.Length, "one sum per factor");
        squareSums = squareSums[..sums.Length];
        float total = 0f;
        for (int f = 0; f < sums.Length; f++)
        {
            total += (sums[f] * sums[f]) - squareSums[f];
        }

        return 0.5f * total;
    }

    /// <summary>sums[f] += x · factors[f]; squareSums[f] += (x · factors[f])², in vector chunks then a scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTerms(ReadOnlySpan<float> factors, float x, Span<float> sums, Span<float> squareSums, SimdLevel level)
    {
        int factorCount = sums.Length;
        factors = factors[..factorCount];
        squareSums = squareSums[..factorCount];
        ref float factorBase = ref MemoryMarshal.GetReference(factors);
        ref float sumBase = ref MemoryMarshal.GetReference(sums);
        ref float squareBase = ref MemoryMarshal.GetReference(squareSums);
        int f = 0;
        if (level == SimdLevel.Avx512)
        {
            Vector512<float> scale = Vector512.Create(x);
            for (; f <= factorCount - Vector512<float>.Count; f += Vector512<float>.Count)
            {
                Vector512<float> term = scale * Vector512.LoadUnsafe(ref factorBase, (nuint)f);
                (Vector512.LoadUnsafe(ref sumBase, (nuint)f) + term).StoreUnsafe(ref sumBase, (nuint)f);
                Vector512.FusedMultiplyAdd(term, term, Vector512.LoadUnsafe(ref squareBase, (nuint)f)).StoreUnsafe(ref squareBase, (nuint)f);
            }
        }

        if (level >= SimdLevel.Avx2)
        {
            Vector256<float> scale = Vector256.Create(x);
            for (; f <= factorCount - Vector256<float>.Count; f += Vector256<float>.Count)
            {
                Vector256<float> term = scale * Vector256.LoadUnsafe(ref factorBase, (nuint)f);
                (Vector256.LoadUnsafe(ref sumBase, (nuint)f) + term).StoreUnsafe(ref sumBase, (nuint)f);
                Vector256.FusedMultiplyAdd(term, term, Vector256.LoadUnsafe(ref squareBase, (nuint)f)).StoreUnsafe(ref squareBase, (nuint)f);
            }
        }

        for (; f < factorCount; f++)
        {
            float term = x * factors[f];
            sums[f] += term;
            squareSums[f] = MathF.FusedMultiplyAdd(term, term, squareSums[f]);
        }
    }
}
