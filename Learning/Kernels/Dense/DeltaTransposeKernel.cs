namespace OrleansML.Learning.Kernels;

/// <summary>
/// Lays a block of output deltas (rows x outputs) out one row per output (outputs x rows), the layout
/// <see cref="WeightGradientKernel"/> reads.
/// </summary>
/// <remarks>
/// Whole 8 x 8 blocks are transposed in registers with AVX (unpack, shuffle, lane permute: 24 shuffles per
/// 64 floats); the edges, and machines without AVX, take a scalar loop. At 128 x 128 the pass costs a few
/// microseconds against the hundreds of the weight gradient that follows.
/// </remarks>
internal static class DeltaTransposeKernel
{
    /// <summary>Writes transposed[j·rows + r] = deltas[r·outputs + j].</summary>
    public static void Transpose(ReadOnlySpan<float> deltas, Span<float> transposed, int rows, int outputs)
    {
        Debug.Assert(rows > 0 && outputs > 0);
        Debug.Assert(deltas.Length >= rows * outputs && transposed.Length >= rows * outputs);
        ref float source = ref MemoryMarshal.GetReference(deltas);
        ref float target = ref MemoryMarshal.GetReference(transposed);
        int blockedRows = 0, blockedOutputs = 0;
        if (Avx.IsSupported && KernelSupport.Level != SimdLevel.Scalar)
        {
            blockedRows = rows & ~7;
            blockedOutputs = outputs & ~7;
            for (int row = 0; row < blockedRows; row += 8)
            {
                for (int output = 0; output < blockedOutputs; output += 8)
                {
                    Block8x8(ref Unsafe.Add(ref source, (row * outputs) + output), outputs, ref Unsafe.Add(ref target, (output * rows) + row), rows);
                }
            }
        }

        for (int row = 0; row < rows; row++)
        {
            // Inside the blocked rows only the leftover outputs remain; below them, every output.
            for (int output = row < blockedRows ? blockedOutputs : 0; output < outputs; output++)
            {
                Unsafe.Add(ref target, (output * rows) + row) = Unsafe.Add(ref source, (row * outputs) + output);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8x8(ref float source, int sourceStride, ref float target, int targetStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride));
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref target);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref target, (nuint)targetStride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref target, (nuint)(2 * targetStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref target, (nuint)(3 * targetStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref target, (nuint)(4 * targetStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref target, (nuint)(5 * targetStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref target, (nuint)(6 * targetStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref target, (nuint)(7 * targetStride));
    }
}
