namespace OrleansML.Learning.Kernels;

/// <summary>
/// The factor gradient of a factorization machine split so that a nonzero never reads its feature's factors:
/// ∂/∂v_i = Σ_occ t · sums_row − v_i · Σ_occ t · x, with t = slope · x / batch per occurrence. The nonzeros add
/// t · sums_row into the factor slots (<see cref="AddScaledSums"/>) and t · x into one scalar per feature; each
/// touched feature then reads v_i once (<see cref="Finish"/>) instead of once per occurrence.
/// </summary>
/// <remarks>
/// Measured on the kernels benchmark's rows over 2^20 features at k = 8 (36 MiB of parameters): reading v_i per
/// occurrence in the scatter cost about 60 ns a nonzero in thread CPU time, the parameters' misses. Every level does
/// the same fused multiply-adds per element (<see cref="MathF.FusedMultiplyAdd"/> in the scalar code), so the paths
/// agree bit for bit, and the dense and sparse gradients, which both use these kernels in row order, agree exactly.
/// </remarks>
internal static class FactorGradientKernels
{
    /// <summary>partials[f] = t · sums[f] + partials[f], fused.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaledSums(float t, ReadOnlySpan<float> sums, Span<float> partials, SimdLevel level)
    {
        int factorCount = partials.Length;
        sums = sums[..factorCount];
        ref float sumBase = ref MemoryMarshal.GetReference(sums);
        ref float partialBase = ref MemoryMarshal.GetReference(partials);
        int f = 0;
        if (level == SimdLevel.Avx512)
        {
            Vector512<float> scale = Vector512.Create(t);
            for (; f <= factorCount - Vector512<float>.Count; f += Vector512<float>.Count)
            {
                Vector512.FusedMultiplyAdd(scale, Vector512.LoadUnsafe(ref sumBase, (nuint)f), Vector512.LoadUnsafe(ref partialBase, (nuint)f))
                    .StoreUnsafe(ref partialBase, (nuint)f);
            }
        }

        if (level >= SimdLevel.Avx2)
        {
            Vector256<float> scale = Vector256.Create(t);
            for (; f <= factorCount - Vector256<float>.Count; f += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(scale, Vector256.LoadUnsafe(ref sumBase, (nuint)f), Vector256.LoadUnsafe(ref partialBase, (nuint)f))
                    .StoreUnsafe(ref partialBase, (nuint)f);
            }
        }

        for (; f < factorCount; f++)
        {
            partials[f] = MathF.FusedMultiplyAdd(t, sums[f], partials[f]);
        }
    }

    /// <summary>gradient[f] = partials[f] − c · factors[f], fused: the factor gradient of a feature whose Σ t · x is c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(ReadOnlySpan<float> partials, float c, ReadOnlySpan<float> factors, Span<float> gradient, SimdLevel level)
    {
        int factorCount = gradient.Length;
        partials = partials[..factorCount];
        factors = factors[..factorCount];
        ref float partialBase = ref MemoryMarshal.GetReference(partials);
        ref float factorBase = ref MemoryMarshal.GetReference(factors);
        ref float gradientBase = ref MemoryMarshal.GetReference(gradient);
        float negative = -c;
        int f = 0;
        if (level == SimdLevel.Avx512)
        {
            Vector512<float> scale = Vector512.Create(negative);
            for (; f <= factorCount - Vector512<float>.Count; f += Vector512<float>.Count)
            {
                Vector512.FusedMultiplyAdd(scale, Vector512.LoadUnsafe(ref factorBase, (nuint)f), Vector512.LoadUnsafe(ref partialBase, (nuint)f))
                    .StoreUnsafe(ref gradientBase, (nuint)f);
            }
        }

        if (level >= SimdLevel.Avx2)
        {
            Vector256<float> scale = Vector256.Create(negative);
            for (; f <= factorCount - Vector256<float>.Count; f += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(scale, Vector256.LoadUnsafe(ref factorBase, (nuint)f), Vector256.LoadUnsafe(ref partialBase, (nuint)f))
                    .StoreUnsafe(ref gradientBase, (nuint)f);
            }
        }

        for (; f < factorCount; f++)
        {
            gradient[f] = MathF.FusedMultiplyAdd(negative, factors[f], partials[f]);
        }
    }
}
