namespace OrleansML.Learning.Kernels;

/// <summary>The 512-bit form of <see cref="ProductWithTransposed"/>'s 2x5 register tile.</summary>
/// <remarks>
/// Ten 16-float accumulators; the same 7 loads per 10 FMAs as the 256-bit tile, but half the instructions
/// per FLOP. The depth left over after the 16-float chunks (at most 15) runs as a 256-bit chunk and then
/// scalar, so the tile is exact for any depth of at least 16.
/// </remarks>
internal static class ProductWithTransposedWide
{
    /// <summary>Writes the ten raw sums A[0..1]·B[0..4] into C (rows <paramref name="columns"/> apart).</summary>
    public static void Tile2x5(ref float a0, ref float b0, ref float c0, int depth, int columns)
    {
        ref float a1 = ref Unsafe.Add(ref a0, depth);
        ref float b1 = ref Unsafe.Add(ref b0, depth);
        ref float b2 = ref Unsafe.Add(ref b1, depth);
        ref float b3 = ref Unsafe.Add(ref b2, depth);
        ref float b4 = ref Unsafe.Add(ref b3, depth);
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s04 = default;
        Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default, s14 = default;
        nuint end = (nuint)(depth & ~(VectorMath.Width512 - 1));
        for (nuint t = 0; t < end; t += VectorMath.Width512)
        {
            Vector512<float> x0 = Vector512.LoadUnsafe(ref a0, t);
            Vector512<float> x1 = Vector512.LoadUnsafe(ref a1, t);
            Vector512<float> w = Vector512.LoadUnsafe(ref b0, t);
            s00 = Vector512.FusedMultiplyAdd(x0, w, s00);
            s10 = Vector512.FusedMultiplyAdd(x1, w, s10);
            w = Vector512.LoadUnsafe(ref b1, t);
            s01 = Vector512.FusedMultiplyAdd(x0, w, s01);
            s11 = Vector512.FusedMultiplyAdd(x1, w, s11);
            w = Vector512.LoadUnsafe(ref b2, t);
            s02 = Vector512.FusedMultiplyAdd(x0, w, s02);
            s12 = Vector512.FusedMultiplyAdd(x1, w, s12);
            w = Vector512.LoadUnsafe(ref b3, t);
            s03 = Vector512.FusedMultiplyAdd(x0, w, s03);
            s13 = Vector512.FusedMultiplyAdd(x1, w, s13);
            w = Vector512.LoadUnsafe(ref b4, t);
            s04 = Vector512.FusedMultiplyAdd(x0, w, s04);
            s14 = Vector512.FusedMultiplyAdd(x1, w, s14);
        }

        int tail = (int)end;
        ref float c1 = ref Unsafe.Add(ref c0, columns);
        c0 = Vector512.Sum(s00) + Rest(ref a0, ref b0, tail, depth);
        Unsafe.Add(ref c0, 1) = Vector512.Sum(s01) + Rest(ref a0, ref b1, tail, depth);
        Unsafe.Add(ref c0, 2) = Vector512.Sum(s02) + Rest(ref a0, ref b2, tail, depth);
        Unsafe.Add(ref c0, 3) = Vector512.Sum(s03) + Rest(ref a0, ref b3, tail, depth);
        Unsafe.Add(ref c0, 4) = Vector512.Sum(s04) + Rest(ref a0, ref b4, tail, depth);
        c1 = Vector512.Sum(s10) + Rest(ref a1, ref b0, tail, depth);
        Unsafe.Add(ref c1, 1) = Vector512.Sum(s11) + Rest(ref a1, ref b1, tail, depth);
        Unsafe.Add(ref c1, 2) = Vector512.Sum(s12) + Rest(ref a1, ref b2, tail, depth);
        Unsafe.Add(ref c1, 3) = Vector512.Sum(s13) + Rest(ref a1, ref b3, tail, depth);
        Unsafe.Add(ref c1, 4) = Vector512.Sum(s14) + Rest(ref a1, ref b4, tail, depth);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Rest(ref float left, ref float right, int start, int end)
    {
        if (start + VectorMath.Width > end)
        {
            return VectorMath.TailDot(ref left, ref right, start, end);
        }

        float chunk = Vector256.Sum(Vector256.LoadUnsafe(ref left, (nuint)start) * Vector256.LoadUnsafe(ref right, (nuint)start));
        return chunk + VectorMath.TailDot(ref left, ref right, start + VectorMath.Width, end);
    }
}
