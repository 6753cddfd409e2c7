namespace OrleansML.Learning.Kernels;

/// <summary>
/// C = G·B, with G (rows x inner), B (inner x columns) and C (rows x columns) row-major: the gradient
/// with respect to a layer's input when its weights B are stored one row per output.
/// </summary>
/// <remarks>
/// Register tile: 2 rows of C x 32 columns (four chunks), eight accumulators; per inner index it loads
/// four chunks of a B row and broadcasts two G values. Leftover chunks use a 2-row x 1-chunk tile and the
/// last columns a scalar loop.
/// </remarks>
internal static class ProductKernel
{
    private const int ColumnsPerTile = 4 * VectorMath.Width;

    /// <summary>Overwrites <paramref name="c"/> with G·B.</summary>
    public static void Compute(ReadOnlySpan<float> g, ReadOnlySpan<float> b, Span<float> c, int rows, int inner, int columns)
    {
        Debug.Assert(rows >= 0 && inner > 0 && columns > 0);
        Debug.Assert(g.Length >= rows * inner && b.Length >= inner * columns && c.Length >= rows * columns);
        ref float gStart = ref MemoryMarshal.GetReference(g);
        ref float bStart = ref MemoryMarshal.GetReference(b);
        ref float cStart = ref MemoryMarshal.GetReference(c);
        bool vectors = KernelSupport.Level != SimdLevel.Scalar;
        for (int row = 0; row < rows; row += 2)
        {
            bool pair = row + 1 < rows;
            ref float g0 = ref Unsafe.Add(ref gStart, row * inner);
            ref float g1 = ref pair ? ref Unsafe.Add(ref g0, inner) : ref g0;
            ref float c0 = ref Unsafe.Add(ref cStart, row * columns);
            int column = 0;
            if (vectors)
            {
                for (; column + ColumnsPerTile <= columns; column += ColumnsPerTile)
                {
                    Tile2x32(ref g0, ref g1, ref Unsafe.Add(ref bStart, column), ref Unsafe.Add(ref c0, column), inner, columns, pair);
                }

                for (; column + VectorMath.Width <= columns; column += VectorMath.Width)
                {
                    Tile2x8(ref g0, ref g1, ref Unsafe.Add(ref bStart, column), ref Unsafe.Add(ref c0, column), inner, columns, pair);
                }
            }

            for (; column < columns; column++)
            {
                float sum0 = 0f, sum1 = 0f;
                for (int k = 0; k < inner; k++)
                {
                    float weight = Unsafe.Add(ref bStart, (k * columns) + column);
                    sum0 += Unsafe.Add(ref g0, k) * weight;
                    sum1 += Unsafe.Add(ref g1, k) * weight;
                }

                Unsafe.Add(ref c0, column) = sum0;
                if (pair)
                {
                    Unsafe.Add(ref c0, columns + column) = sum1;
                }
            }
        }
    }

    private static void Tile2x32(ref float g0, ref float g1, ref float b0, ref float c0, int inner, int columns, bool pair)
    {
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        for (int k = 0; k < inner; k++)
        {
            ref float weights = ref Unsafe.Add(ref b0, k * columns);
            Vector256<float> d0 = Vector256.Create(Unsafe.Add(ref g0, k));
            Vector256<float> d1 = Vector256.Create(Unsafe.Add(ref g1, k));
            Vector256<float> w = Vector256.LoadUnsafe(ref weights);
            s00 = VectorMath.MultiplyAdd(d0, w, s00);
            s10 = VectorMath.MultiplyAdd(d1, w, s10);
            w = Vector256.LoadUnsafe(ref weights, 8);
            s01 = VectorMath.MultiplyAdd(d0, w, s01);
            s11 = VectorMath.MultiplyAdd(d1, w, s11);
            w = Vector256.LoadUnsafe(ref weights, 16);
            s02 = VectorMath.MultiplyAdd(d0, w, s02);
            s12 = VectorMath.MultiplyAdd(d1, w, s12);
            w = Vector256.LoadUnsafe(ref weights, 24);
            s03 = VectorMath.MultiplyAdd(d0, w, s03);
            s13 = VectorMath.MultiplyAdd(d1, w, s13);
        }

        s00.StoreUnsafe(ref c0);
        s01.StoreUnsafe(ref c0, 8);
        s02.StoreUnsafe(ref c0, 16);
        s03.StoreUnsafe(ref c0, 24);
        if (pair)
        {
            ref float c1 = ref Unsafe.Add(ref c0, columns);
            s10.StoreUnsafe(ref c1);
            s11.StoreUnsafe(ref c1, 8);
            s12.StoreUnsafe(ref c1, 16);
            s13.StoreUnsafe(ref c1, 24);
        }
    }

    private static void Tile2x8(ref float g0, ref float g1, ref float b0, ref float c0, int inner, int columns, bool pair)
    {
        Vector256<float> s0 = default, s1 = default;
        for (int k = 0; k < inner; k++)
        {
            Vector256<float> w = Vector256.LoadUnsafe(ref Unsafe.Add(ref b0, k * columns));
            s0 = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref g0, k)), w, s0);
            s1 = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref g1, k)), w, s1);
        }

        s0.StoreUnsafe(ref c0);
        if (pair)
        {
            s1.StoreUnsafe(ref Unsafe.Add(ref c0, columns));
        }
    }
}
