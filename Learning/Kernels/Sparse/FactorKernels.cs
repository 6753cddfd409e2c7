using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OrleansML.Learning.Kernels;

/// <summary>
/// Kernels for the factor part of a degree-2 factorization machine, whose k factors per feature are
/// contiguous: each nonzero costs O(k) vector work, which is Rendle's O(k · nnz) formulation.
/// </summary>
/// <remarks>
/// Each routine has a scalar, a <see cref="Vector256{T}"/> and a <see cref="Vector512{T}"/> path, picked by the
/// <see cref="SimdLevel"/> the caller read once per batch: one 512-bit register per factor row when k is a multiple
/// of 16, 256-bit chunks of eight otherwise, and a scalar tail. Every path computes each element with the same
/// operations in the same order (a product, an add, and the same fused multiply-adds, <see cref="MathF.FusedMultiplyAdd"/>
/// in the scalar code), so the paths agree bit for bit and the tests can demand equality.
/// </remarks>
internal static class FactorKernels
{
    /// <summary>
    /// For one row, writes sums[f] = Σ_j x_j · v_{id_j, f} and squareSums[f] = Σ_j (x_j · v_{id_j, f})², where
    /// the factors of feature id start at parameters[factorOffset + id · stride].
    /// </summary>
    public static void AccumulateFactorSums(
        ReadOnlySpan<int> indices,
        ReadOnlySpan<float> values,
        ReadOnlySpan<float> parameters,
        int factorOffset,
        int stride,
        Span<float> sums,
        Span<float> squareSums) =>
        AccumulateFactorSums(indices, values, parameters, factorOffset, stride, sums, squareSums, KernelSupport.Level);

    /// <inheritdoc cref="AccumulateFactorSums(ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, Span{float}, Span{float})"/>
    public static void AccumulateFactorSums(
        ReadOnlySpan<int> indices,
        ReadOnlySpan<float> values,
        ReadOnlySpan<float> parameters,
        int factorOffset,
        int stride,
        Span<float> sums,
        Span<float> squareSums,
        SimdLevel level)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        Debug.Assert(sums.Length == squareSums.Length && sums.Length <= stride, "one sum per factor, factors fit the stride");
        int factorCount = sums.Length;
        squareSums = squareSums[..factorCount];
        values = values[..indices.Length];
        int f = 0;
        if (level == SimdLevel.Avx512)
        {
            for (; f <= factorCount - Vector512<float>.Count; f += Vector512<float>.Count)
            {
                SumChunk512(indices, values, parameters, factorOffset + f, stride, sums[f..], squareSums[f..]);
            }
        }

        if (level >= SimdLevel.Avx2)
        {
            for (; f <= factorCount - Vector256<float>.Count; f += Vector256<float>.Count)
            {
                SumChunk256(indices, values, parameters, factorOffset + f, stride, sums[f..], squareSums[f..]);
            }
        }

        for (; f < factorCount; f++)
        {
            float sum = 0f;
            float squares = 0f;
            for (int j = 0; j < indices.Length; j++)
            {
                float term = values[j] * parameters[checked(factorOffset + f + (indices[j] * stride))];
                sum += term;
                squares = MathF.FusedMultiplyAdd(term, term, squares);
            }

            sums[f] = sum;
            squareSums[f] = squares;
        }
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

    /// <summary>
    /// partials[f] += scale · (x · sums[f] − x² · factors[f]): a nonzero's contribution to the gradient of its
    /// feature's factors, for a row whose loss slope times 1/batch is <paramref name="scale"/>.
    /// </summary>
    public static void AddFactorPartials(ReadOnlySpan<float> factors, float x, ReadOnlySpan<float> sums, float scale, Span<float> partials) =>
        AddFactorPartials(factors, x, sums, scale, partials, KernelSupport.Level);

    /// <inheritdoc cref="AddFactorPartials(ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, Span{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddFactorPartials(ReadOnlySpan<float> factors, float x, ReadOnlySpan<float> sums, float scale, Span<float> partials, SimdLevel level)
    {
        int factorCount = partials.Length;
        factors = factors[..factorCount];
        sums = sums[..factorCount];
        float linearScale = scale * x;
        float squareScale = -scale * x * x;
        ref float factorBase = ref MemoryMarshal.GetReference(factors);
        ref float sumBase = ref MemoryMarshal.GetReference(sums);
        ref float partialBase = ref MemoryMarshal.GetReference(partials);
        int f = 0;
        if (level == SimdLevel.Avx512)
        {
            Vector512<float> linear = Vector512.Create(linearScale);
            Vector512<float> square = Vector512.Create(squareScale);
            for (; f <= factorCount - Vector512<float>.Count; f += Vector512<float>.Count)
            {
                Vector512.FusedMultiplyAdd(
                    square,
                    Vector512.LoadUnsafe(ref factorBase, (nuint)f),
                    Vector512.FusedMultiplyAdd(linear, Vector512.LoadUnsafe(ref sumBase, (nuint)f), Vector512.LoadUnsafe(ref partialBase, (nuint)f)))
                    .StoreUnsafe(ref partialBase, (nuint)f);
            }
        }

        if (level >= SimdLevel.Avx2)
        {
            Vector256<float> linear = Vector256.Create(linearScale);
            Vector256<float> square = Vector256.Create(squareScale);
            for (; f <= factorCount - Vector256<float>.Count; f += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(
                    square,
                    Vector256.LoadUnsafe(ref factorBase, (nuint)f),
                    Vector256.FusedMultiplyAdd(linear, Vector256.LoadUnsafe(ref sumBase, (nuint)f), Vector256.LoadUnsafe(ref partialBase, (nuint)f)))
                    .StoreUnsafe(ref partialBase, (nuint)f);
            }
        }

        for (; f < factorCount; f++)
        {
            partials[f] = MathF.FusedMultiplyAdd(squareScale, factors[f], MathF.FusedMultiplyAdd(linearScale, sums[f], partials[f]));
        }
    }

    /// <summary>Sixteen factors' sums over the row, held in two registers while the row's nonzeros stream past.</summary>
    private static void SumChunk512(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> parameters, int offset, int stride, Span<float> sums, Span<float> squareSums)
    {
        Vector512<float> sum = Vector512<float>.Zero;
        Vector512<float> squares = Vector512<float>.Zero;
        for (int j = 0; j < indices.Length; j++)
        {
            ReadOnlySpan<float> factors = parameters.Slice(checked(offset + (indices[j] * stride)), Vector512<float>.Count);
            Vector512<float> term = Vector512.Create(values[j]) * Vector512.Create(factors);
            sum += term;
            squares = Vector512.FusedMultiplyAdd(term, term, squares);
        }

        sum.CopyTo(sums);
        squares.CopyTo(squareSums);
    }

    /// <summary>Eight factors' sums over the row, held in two registers while the row's nonzeros stream past.</summary>
    private static void SumChunk256(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> parameters, int offset, int stride, Span<float> sums, Span<float> squareSums)
    {
        Vector256<float> sum = Vector256<float>.Zero;
        Vector256<float> squares = Vector256<float>.Zero;
        for (int j = 0; j < indices.Length; j++)
        {
            ReadOnlySpan<float> factors = parameters.Slice(checked(offset + (indices[j] * stride)), Vector256<float>.Count);
            Vector256<float> term = Vector256.Create(values[j]) * Vector256.Create(factors);
            sum += term;
            squares = Vector256.FusedMultiplyAdd(term, term, squares);
        }

        sum.CopyTo(sums);
        squares.CopyTo(squareSums);
    }
}
