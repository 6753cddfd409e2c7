using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OrleansML.Learning.Kernels;

/// <summary>
/// Kernels for the factor part of a degree-2 factorization machine, whose k factors per feature are
/// contiguous: each nonzero costs O(k) vector work, which is Rendle's O(k · nnz) formulation.
/// </summary>
/// <remarks>
/// Every routine works over a whole factor vector of length k in <see cref="Vector256{T}"/> chunks of eight
/// with a scalar tail, so k = 8 or 16 (the usual sizes) runs entirely in vector registers.
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
        Span<float> squareSums)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        Debug.Assert(sums.Length == squareSums.Length && sums.Length <= stride, "one sum per factor, factors fit the stride");
        int factorCount = sums.Length;
        squareSums = squareSums[..factorCount];
        values = values[..indices.Length];
        sums.Clear();
        squareSums.Clear();
        ref float sumBase = ref MemoryMarshal.GetReference(sums);
        ref float squareBase = ref MemoryMarshal.GetReference(squareSums);
        for (int j = 0; j < indices.Length; j++)
        {
            ReadOnlySpan<float> factors = parameters.Slice(checked(factorOffset + (indices[j] * stride)), factorCount);
            ref float factorBase = ref MemoryMarshal.GetReference(factors);
            float x = values[j];
            int f = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> xs = Vector256.Create(x);
                for (; f <= factorCount - Vector256<float>.Count; f += Vector256<float>.Count)
                {
                    Vector256<float> term = xs * Vector256.LoadUnsafe(ref factorBase, (nuint)f);
                    (Vector256.LoadUnsafe(ref sumBase, (nuint)f) + term).StoreUnsafe(ref sumBase, (nuint)f);
                    Vector256.FusedMultiplyAdd(term, term, Vector256.LoadUnsafe(ref squareBase, (nuint)f)).StoreUnsafe(ref squareBase, (nuint)f);
                }
            }

            for (; f < factorCount; f++)
            {
                float term = x * factors[f];
                sums[f] += term;
                squareSums[f] += term * term;
            }
        }
    }

    /// <summary>½ Σ_f (sums[f]² − squareSums[f]): the pairwise interaction term of one row.</summary>
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
    /// Adds scale · (x · sums[f] − x² · factors[f]) to partials[f]: scale times the derivative of the row's
    /// prediction with respect to factor f of a feature with value x.
    /// </summary>
    public static void AddFactorPartials(ReadOnlySpan<float> factors, float x, ReadOnlySpan<float> sums, float scale, Span<float> partials)
    {
        int factorCount = partials.Length;
        factors = factors[..factorCount];
        sums = sums[..factorCount];
        float linearScale = scale * x;
        float squareScale = -scale * x * x;
        int f = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float factorBase = ref MemoryMarshal.GetReference(factors);
            ref float sumBase = ref MemoryMarshal.GetReference(sums);
            ref float partialBase = ref MemoryMarshal.GetReference(partials);
            Vector256<float> linear = Vector256.Create(linearScale);
            Vector256<float> square = Vector256.Create(squareScale);
            for (; f <= factorCount - Vector256<float>.Count; f += Vector256<float>.Count)
            {
                Vector256<float> result = Vector256.FusedMultiplyAdd(
                    square,
                    Vector256.LoadUnsafe(ref factorBase, (nuint)f),
                    Vector256.FusedMultiplyAdd(linear, Vector256.LoadUnsafe(ref sumBase, (nuint)f), Vector256.LoadUnsafe(ref partialBase, (nuint)f)));
                result.StoreUnsafe(ref partialBase, (nuint)f);
            }
        }

        for (; f < factorCount; f++)
        {
            partials[f] += (squareScale * factors[f]) + (linearScale * sums[f]);
        }
    }
}
