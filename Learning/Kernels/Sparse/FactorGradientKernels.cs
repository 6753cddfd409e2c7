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
    public static void AddScaledSums(float t, ReadOnlySpan<float> sums, Span<float> partials, SimdLevel level) =>
        MultiplyAdd(t, sums[..partials.Length], partials, partials, level);

    /// <summary>gradient[f] = partials[f] − c · factors[f], fused: the factor gradient of a feature whose Σ t · x is c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(ReadOnlySpan<float> partials, float c, ReadOnlySpan<float> factors, Span<float> gradient, SimdLevel level) =>
        MultiplyAdd(-c, factors[..gradient.Length], partials[..gradient.Length], gradient, level);

    /// <summary>destination[f] = scale · x[f] + addend[f], one fused multiply-add per element on every level (so the
    /// levels agree bit for bit). <paramref name="destination"/> may be <paramref name="addend"/>: each element is read
    /// before it is written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd(float scale, ReadOnlySpan<float> x, ReadOnlySpan<float> addend, Span<float> destination, SimdLevel level)
    {
        Debug.Assert(x.Length == destination.Length && addend.Length == destination.Length, "one element each");
        int count = destination.Length;
        ref float xBase = ref MemoryMarshal.GetReference(x);
        ref float addendBase = ref MemoryMarshal.GetReference(addend);
        ref float destinationBase = ref MemoryMarshal.GetReference(destination);
        int f = 0;
        if (level == SimdLevel.Avx512)
        {
            Vector512<float> factor = Vector512.Create(scale);
            for (; f <= count - Vector512<float>.Count; f += Vector512<float>.Count)
            {
                Vector512.FusedMultiplyAdd(factor, Vector512.LoadUnsafe(ref xBase, (nuint)f), Vector512.LoadUnsafe(ref addendBase, (nuint)f))
                    .StoreUnsafe(ref destinationBase, (nuint)f);
            }
        }

        if (level >= SimdLevel.Avx2)
        {
            Vector256<float> factor = Vector256.Create(scale);
            for (; f <= count - Vector256<float>.Count; f += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(factor, Vector256.LoadUnsafe(ref xBase, (nuint)f), Vector256.LoadUnsafe(ref addendBase, (nuint)f))
                    .StoreUnsafe(ref destinationBase, (nuint)f);
            }
        }

        for (; f < count; f++)
        {
            destination[f] = MathF.FusedMultiplyAdd(scale, x[f], addend[f]);
        }
    }
}
