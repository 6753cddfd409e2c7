namespace OrleansML.Learning.Kernels;

/// <summary>
/// C += Gᵀ·A, with G (rows x outputs), A (rows x depth) and C (outputs x depth) row-major: the weight
/// gradient of a layer whose weights are stored one row per output (G holds the output gradients).
/// </summary>
/// <remarks>
/// Register tile: 5 rows of C x 16 columns (two 8-float chunks), ten accumulators that stay in registers
/// while every row of the block is folded in, so each load and store of C is amortised over all rows.
/// Per row the tile needs 2 loads of A and 5 broadcasts of G for 10 FMAs. The column loop is outermost so
/// the 16-column strip of A being read stays in L1 across the output groups.
/// </remarks>
internal static class TransposedProductAccumulator
{
    private const int OutputsPerTile = 5;
    private const int ColumnsPerTile = 2 * VectorMath.Width;

    /// <summary>Adds Gᵀ·A to <paramref name="c"/>.</summary>
    /// <param name="g">Output gradients, rows x outputs.</param>
    /// <param name="a">Inputs, rows x depth.</param>
    /// <param name="c">Accumulated product, outputs x depth.</param>
    /// <param name="rows">Rows of G and A.</param>
    /// <param name="outputs">Columns of G, rows of C.</param>
    /// <param name="depth">Columns of A and C.</param>
    /// <param name="prefetchRows">
    /// Optional rows (x depth, same layout as A) that the caller reads next. While this compute-bound pass
    /// runs, each 16-column strip also prefetches the same strip of these rows, spreading the memory
    /// requests evenly so the next block arrives from RAM without stalling the forward pass.
    /// </param>
    public static void Accumulate(
        ReadOnlySpan<float> g, ReadOnlySpan<float> a, Span<float> c, int rows, int outputs, int depth, ReadOnlySpan<float> prefetchRows = default)
    {
        int prefetchCount = prefetchRows.Length / depth;
        Debug.Assert(rows >= 0 && outputs > 0 && depth > 0);
        Debug.Assert(g.Length >= rows * outputs && a.Length >= rows * depth && c.Length >= outputs * depth);
        ref float gStart = ref MemoryMarshal.GetReference(g);
        ref float aStart = ref MemoryMarshal.GetReference(a);
        ref float cStart = ref MemoryMarshal.GetReference(c);
        int column = 0;
        if (KernelSupport.Level != SimdLevel.Scalar)
        {
            for (; column + ColumnsPerTile <= depth; column += ColumnsPerTile)
            {
                Prefetch(prefetchRows, prefetchCount, column, depth);
                int output = 0;
                for (; output + OutputsPerTile <= outputs; output += OutputsPerTile)
                {
                    Tile5x16(ref Unsafe.Add(ref gStart, output), ref Unsafe.Add(ref aStart, column),
                        ref Unsafe.Add(ref cStart, (output * depth) + column), rows, outputs, depth);
                }

                for (; output < outputs; output++)
                {
                    Tile1xChunks(ref Unsafe.Add(ref gStart, output), ref Unsafe.Add(ref aStart, column),
                        ref Unsafe.Add(ref cStart, (output * depth) + column), rows, outputs, depth, twoChunks: true);
                }
            }

            if (column + VectorMath.Width <= depth)
            {
                for (int output = 0; output < outputs; output++)
                {
                    Tile1xChunks(ref Unsafe.Add(ref gStart, output), ref Unsafe.Add(ref aStart, column),
                        ref Unsafe.Add(ref cStart, (output * depth) + column), rows, outputs, depth, twoChunks: false);
                }

                column += VectorMath.Width;
            }
        }

        for (int output = 0; output < outputs; output++)
        {
            for (int tailColumn = column; tailColumn < depth; tailColumn++)
            {
                float sum = 0f;
                for (int row = 0; row < rows; row++)
                {
                    sum += Unsafe.Add(ref gStart, (row * outputs) + output) * Unsafe.Add(ref aStart, (row * depth) + tailColumn);
                }

                Unsafe.Add(ref cStart, (output * depth) + tailColumn) += sum;
            }
        }
    }

    /// <summary>Adds the column sums of G (rows x outputs) to <paramref name="sums"/>: the bias gradient.</summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> g, Span<float> sums, int rows, int outputs)
    {
        Debug.Assert(g.Length >= rows * outputs && sums.Length >= outputs);
        Span<float> target = sums[..outputs];
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> source = g.Slice(row * outputs, outputs);
            for (int output = 0; output < target.Length; output++)
            {
                target[output] += source[output];
            }
        }
    }

    private static unsafe void Prefetch(ReadOnlySpan<float> rows, int count, int column, int depth)
    {
        if (!Sse.IsSupported || count == 0)
        {
            return;
        }

        // One 64-byte line per row: a 16-float strip.
        fixed (float* start = rows)
        {
            for (int row = 0; row < count; row++)
            {
                Sse.Prefetch0(start + (row * depth) + column);
            }
        }
    }

    private static void Tile5x16(ref float g0, ref float a0, ref float c0, int rows, int outputs, int depth)
    {
        ref float c1 = ref Unsafe.Add(ref c0, depth);
        ref float c2 = ref Unsafe.Add(ref c1, depth);
        ref float c3 = ref Unsafe.Add(ref c2, depth);
        ref float c4 = ref Unsafe.Add(ref c3, depth);
        Vector256<float> s00 = Vector256.LoadUnsafe(ref c0), s01 = Vector256.LoadUnsafe(ref c0, 8);
        Vector256<float> s10 = Vector256.LoadUnsafe(ref c1), s11 = Vector256.LoadUnsafe(ref c1, 8);
        Vector256<float> s20 = Vector256.LoadUnsafe(ref c2), s21 = Vector256.LoadUnsafe(ref c2, 8);
        Vector256<float> s30 = Vector256.LoadUnsafe(ref c3), s31 = Vector256.LoadUnsafe(ref c3, 8);
        Vector256<float> s40 = Vector256.LoadUnsafe(ref c4), s41 = Vector256.LoadUnsafe(ref c4, 8);
        // Walk both matrices by pointer bumps rather than multiplying the row index each time.
        ref float x = ref a0;
        ref float gradient = ref g0;
        for (int row = 0; row < rows; row++, x = ref Unsafe.Add(ref x, depth), gradient = ref Unsafe.Add(ref gradient, outputs))
        {
            Vector256<float> x0 = Vector256.LoadUnsafe(ref x);
            Vector256<float> x1 = Vector256.LoadUnsafe(ref x, 8);
            Vector256<float> d = Vector256.Create(gradient);
            s00 = VectorMath.MultiplyAdd(d, x0, s00);
            s01 = VectorMath.MultiplyAdd(d, x1, s01);
            d = Vector256.Create(Unsafe.Add(ref gradient, 1));
            s10 = VectorMath.MultiplyAdd(d, x0, s10);
            s11 = VectorMath.MultiplyAdd(d, x1, s11);
            d = Vector256.Create(Unsafe.Add(ref gradient, 2));
            s20 = VectorMath.MultiplyAdd(d, x0, s20);
            s21 = VectorMath.MultiplyAdd(d, x1, s21);
            d = Vector256.Create(Unsafe.Add(ref gradient, 3));
            s30 = VectorMath.MultiplyAdd(d, x0, s30);
            s31 = VectorMath.MultiplyAdd(d, x1, s31);
            d = Vector256.Create(Unsafe.Add(ref gradient, 4));
            s40 = VectorMath.MultiplyAdd(d, x0, s40);
            s41 = VectorMath.MultiplyAdd(d, x1, s41);
        }

        s00.StoreUnsafe(ref c0);
        s01.StoreUnsafe(ref c0, 8);
        s10.StoreUnsafe(ref c1);
        s11.StoreUnsafe(ref c1, 8);
        s20.StoreUnsafe(ref c2);
        s21.StoreUnsafe(ref c2, 8);
        s30.StoreUnsafe(ref c3);
        s31.StoreUnsafe(ref c3, 8);
        s40.StoreUnsafe(ref c4);
        s41.StoreUnsafe(ref c4, 8);
    }

    private static void Tile1xChunks(ref float g0, ref float a0, ref float c0, int rows, int outputs, int depth, bool twoChunks)
    {
        // The leftover single output: even and odd rows feed separate accumulators so two FMA chains per
        // chunk are in flight instead of one latency-bound chain.
        Vector256<float> even0 = Vector256.LoadUnsafe(ref c0), odd0 = default;
        Vector256<float> even1 = twoChunks ? Vector256.LoadUnsafe(ref c0, 8) : default, odd1 = default;
        int row = 0;
        for (; row + 2 <= rows; row += 2)
        {
            ref float x = ref Unsafe.Add(ref a0, row * depth);
            ref float y = ref Unsafe.Add(ref x, depth);
            Vector256<float> d0 = Vector256.Create(Unsafe.Add(ref g0, row * outputs));
            Vector256<float> d1 = Vector256.Create(Unsafe.Add(ref g0, (row + 1) * outputs));
            even0 = VectorMath.MultiplyAdd(d0, Vector256.LoadUnsafe(ref x), even0);
            odd0 = VectorMath.MultiplyAdd(d1, Vector256.LoadUnsafe(ref y), odd0);
            if (twoChunks)
            {
                even1 = VectorMath.MultiplyAdd(d0, Vector256.LoadUnsafe(ref x, 8), even1);
                odd1 = VectorMath.MultiplyAdd(d1, Vector256.LoadUnsafe(ref y, 8), odd1);
            }
        }

        if (row < rows)
        {
            ref float x = ref Unsafe.Add(ref a0, row * depth);
            Vector256<float> d0 = Vector256.Create(Unsafe.Add(ref g0, row * outputs));
            even0 = VectorMath.MultiplyAdd(d0, Vector256.LoadUnsafe(ref x), even0);
            if (twoChunks)
            {
                even1 = VectorMath.MultiplyAdd(d0, Vector256.LoadUnsafe(ref x, 8), even1);
            }
        }

        (even0 + odd0).StoreUnsafe(ref c0);
        if (twoChunks)
        {
            (even1 + odd1).StoreUnsafe(ref c0, 8);
        }
    }
}
