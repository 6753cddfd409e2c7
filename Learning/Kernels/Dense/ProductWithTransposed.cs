namespace OrleansML.Learning.Kernels;

/// <summary>
/// C = A·Bᵀ + bias, with A (rows x depth), B (columns x depth) and C (rows x columns) all row-major.
/// This is a layer's forward pass when weights are stored one row per output: every output is a dot
/// product of two contiguous rows.
/// </summary>
/// <remarks>
/// Register tile: 2 rows of A x 5 rows of B, ten 8-float accumulators. Each loaded A chunk feeds 5 FMAs and
/// each B chunk 2, so the loop needs 7 loads per 10 FMAs and stays under the two load ports, with 13 of
/// the 16 ymm registers live. Leftover B rows use a 2x1 tile and a leftover A row single dot products.
/// Where 512-bit vectors are accelerated the 2x5 tile runs on them (<see cref="ProductWithTransposedWide"/>).
/// </remarks>
internal static class ProductWithTransposed
{
    /// <summary>
    /// Writes C = A·Bᵀ + bias, or max(A·Bᵀ + bias, 0) with <paramref name="relu"/>. An empty
    /// <paramref name="bias"/> means zero bias. Bias and ReLU are one pass over C right after the product,
    /// while C is still in cache.
    /// </summary>
    public static void Compute(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int rows, int columns, int depth, bool relu = false)
    {
        Debug.Assert(rows >= 0 && columns > 0 && depth > 0);
        Debug.Assert(a.Length >= rows * depth && b.Length >= columns * depth && c.Length >= rows * columns);
        Debug.Assert(bias.IsEmpty || bias.Length >= columns);
        SimdLevel level = KernelSupport.Level;
        if (level == SimdLevel.Scalar || depth < VectorMath.Width)
        {
            ComputeScalar(a, b, bias, c, rows, columns, depth, relu);
            return;
        }

        ref float aStart = ref MemoryMarshal.GetReference(a);
        ref float bStart = ref MemoryMarshal.GetReference(b);
        ref float cStart = ref MemoryMarshal.GetReference(c);
        bool wide = level == SimdLevel.Avx512 && depth >= VectorMath.Width512;

        // Output groups outermost: a group's 5 rows of B (5 x depth floats, 15 KiB at depth 784) stay in
        // L1 while every row of A streams past, so the 5 B loads per step hit L1 and only the 2 A loads
        // may go to L2.
        int column = 0;
        for (; column + 5 <= columns; column += 5)
        {
            ref float b0 = ref Unsafe.Add(ref bStart, column * depth);
            int row = 0;
            for (; row + 2 <= rows; row += 2)
            {
                ref float a0 = ref Unsafe.Add(ref aStart, row * depth);
                ref float c0 = ref Unsafe.Add(ref cStart, (row * columns) + column);
                if (wide)
                {
                    ProductWithTransposedWide.Tile2x5(ref a0, ref b0, ref c0, depth, columns);
                }
                else
                {
                    Tile2x5(ref a0, ref b0, ref c0, depth, columns);
                }
            }

            if (row < rows)
            {
                ref float a0 = ref Unsafe.Add(ref aStart, row * depth);
                for (int output = column; output < column + 5; output++)
                {
                    Unsafe.Add(ref cStart, (row * columns) + output) = Dot(ref a0, ref Unsafe.Add(ref bStart, output * depth), depth);
                }
            }
        }

        for (; column < columns; column++)
        {
            ref float b0 = ref Unsafe.Add(ref bStart, column * depth);
            int row = 0;
            for (; row + 2 <= rows; row += 2)
            {
                ref float c0 = ref Unsafe.Add(ref cStart, (row * columns) + column);
                Tile2x1(ref Unsafe.Add(ref aStart, row * depth), ref b0, ref c0, depth, columns);            }

            if (row < rows)
            {
                Unsafe.Add(ref cStart, (row * columns) + column) = Dot(ref Unsafe.Add(ref aStart, row * depth), ref b0, depth);
            }
        }

        Epilogue(bias, c, rows, columns, relu);
    }

    private static void ComputeScalar(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int rows, int columns, int depth, bool relu)
    {
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                float sum = 0f;
                for (int t = 0; t < depth; t++)
                {
                    sum += a[(row * depth) + t] * b[(column * depth) + t];
                }

                c[(row * columns) + column] = sum;
            }
        }

        Epilogue(bias, c, rows, columns, relu);
    }

    private static void Tile2x5(ref float a0, ref float b0, ref float c0, int depth, int columns)
    {
        ref float a1 = ref Unsafe.Add(ref a0, depth);
        ref float b1 = ref Unsafe.Add(ref b0, depth);
        ref float b2 = ref Unsafe.Add(ref b1, depth);
        ref float b3 = ref Unsafe.Add(ref b2, depth);
        ref float b4 = ref Unsafe.Add(ref b3, depth);
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default, s04 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default, s14 = default;
        nuint end = (nuint)(depth & ~(VectorMath.Width - 1));
        for (nuint t = 0; t < end; t += VectorMath.Width)
        {
            Vector256<float> x0 = Vector256.LoadUnsafe(ref a0, t);
            Vector256<float> x1 = Vector256.LoadUnsafe(ref a1, t);
            Vector256<float> w = Vector256.LoadUnsafe(ref b0, t);
            s00 = VectorMath.MultiplyAdd(x0, w, s00);
            s10 = VectorMath.MultiplyAdd(x1, w, s10);
            w = Vector256.LoadUnsafe(ref b1, t);
            s01 = VectorMath.MultiplyAdd(x0, w, s01);
            s11 = VectorMath.MultiplyAdd(x1, w, s11);
            w = Vector256.LoadUnsafe(ref b2, t);
            s02 = VectorMath.MultiplyAdd(x0, w, s02);
            s12 = VectorMath.MultiplyAdd(x1, w, s12);
            w = Vector256.LoadUnsafe(ref b3, t);
            s03 = VectorMath.MultiplyAdd(x0, w, s03);
            s13 = VectorMath.MultiplyAdd(x1, w, s13);
            w = Vector256.LoadUnsafe(ref b4, t);
            s04 = VectorMath.MultiplyAdd(x0, w, s04);
            s14 = VectorMath.MultiplyAdd(x1, w, s14);
        }

        int tail = (int)end;
        ref float c1 = ref Unsafe.Add(ref c0, columns);
        c0 = Vector256.Sum(s00) + VectorMath.TailDot(ref a0, ref b0, tail, depth);
        Unsafe.Add(ref c0, 1) = Vector256.Sum(s01) + VectorMath.TailDot(ref a0, ref b1, tail, depth);
        Unsafe.Add(ref c0, 2) = Vector256.Sum(s02) + VectorMath.TailDot(ref a0, ref b2, tail, depth);
        Unsafe.Add(ref c0, 3) = Vector256.Sum(s03) + VectorMath.TailDot(ref a0, ref b3, tail, depth);
        Unsafe.Add(ref c0, 4) = Vector256.Sum(s04) + VectorMath.TailDot(ref a0, ref b4, tail, depth);
        c1 = Vector256.Sum(s10) + VectorMath.TailDot(ref a1, ref b0, tail, depth);
        Unsafe.Add(ref c1, 1) = Vector256.Sum(s11) + VectorMath.TailDot(ref a1, ref b1, tail, depth);
        Unsafe.Add(ref c1, 2) = Vector256.Sum(s12) + VectorMath.TailDot(ref a1, ref b2, tail, depth);
        Unsafe.Add(ref c1, 3) = Vector256.Sum(s13) + VectorMath.TailDot(ref a1, ref b3, tail, depth);
        Unsafe.Add(ref c1, 4) = Vector256.Sum(s14) + VectorMath.TailDot(ref a1, ref b4, tail, depth);
    }

    private static void Tile2x1(ref float a0, ref float b0, ref float c0, int depth, int columns)
    {
        // Leftover output: two accumulators per row (even and odd chunks) keep four FMA chains in flight.
        ref float a1 = ref Unsafe.Add(ref a0, depth);
        Vector256<float> s0 = default, s1 = default, t0 = default, t1 = default;
        nuint end = (nuint)(depth & ~(VectorMath.Width - 1));
        nuint pairEnd = (nuint)(depth & ~((2 * VectorMath.Width) - 1));
        nuint t = 0;
        for (; t < pairEnd; t += 2 * VectorMath.Width)
        {
            Vector256<float> w = Vector256.LoadUnsafe(ref b0, t);
            Vector256<float> v = Vector256.LoadUnsafe(ref b0, t + 8);
            s0 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a0, t), w, s0);
            s1 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a1, t), w, s1);
            t0 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a0, t + 8), v, t0);
            t1 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a1, t + 8), v, t1);
        }

        for (; t < end; t += VectorMath.Width)
        {
            Vector256<float> w = Vector256.LoadUnsafe(ref b0, t);
            s0 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a0, t), w, s0);
            s1 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a1, t), w, s1);
        }

        int tail = (int)end;
        c0 = Vector256.Sum(s0 + t0) + VectorMath.TailDot(ref a0, ref b0, tail, depth);
        Unsafe.Add(ref c0, columns) = Vector256.Sum(s1 + t1) + VectorMath.TailDot(ref a1, ref b0, tail, depth);
    }

    internal static float Dot(ref float a0, ref float b0, int depth)
    {
        // Four chains hide the FMA latency; one row alone cannot reuse loads anyway.
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        nuint t = 0;
        nuint end4 = (nuint)(depth & ~((4 * VectorMath.Width) - 1));
        for (; t < end4; t += 4 * VectorMath.Width)
        {
            s0 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a0, t), Vector256.LoadUnsafe(ref b0, t), s0);
            s1 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a0, t + 8), Vector256.LoadUnsafe(ref b0, t + 8), s1);
            s2 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a0, t + 16), Vector256.LoadUnsafe(ref b0, t + 16), s2);
            s3 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a0, t + 24), Vector256.LoadUnsafe(ref b0, t + 24), s3);
        }

        nuint end = (nuint)(depth & ~(VectorMath.Width - 1));
        for (; t < end; t += VectorMath.Width)
        {
            s0 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref a0, t), Vector256.LoadUnsafe(ref b0, t), s0);
        }

        return Vector256.Sum((s0 + s1) + (s2 + s3)) + VectorMath.TailDot(ref a0, ref b0, (int)end, depth);
    }

    /// <summary>
    /// C = max(C + bias, 0) (or C + bias) in one pass over C, row by row while the block is still in cache;
    /// vectorised along the row because rows are at least as long as a vector in the layers that matter.
    /// </summary>
    private static void Epilogue(ReadOnlySpan<float> bias, Span<float> c, int rows, int columns, bool relu)
    {
        if (bias.IsEmpty && !relu)
        {
            return;
        }

        ref float biasStart = ref MemoryMarshal.GetReference(bias);
        bool hasBias = !bias.IsEmpty;
        bool vectors = KernelSupport.Level != SimdLevel.Scalar;
        for (int row = 0; row < rows; row++)
        {
            ref float output = ref MemoryMarshal.GetReference(c.Slice(row * columns, columns));
            int column = 0;
            if (vectors)
            {
                for (; column + VectorMath.Width <= columns; column += VectorMath.Width)
                {
                    Vector256<float> value = Vector256.LoadUnsafe(ref output, (nuint)column);
                    if (hasBias)
                    {
                        value += Vector256.LoadUnsafe(ref biasStart, (nuint)column);
                    }

                    // Max keeps a NaN so a diverging run stays visible.
                    (relu ? Vector256.Max(value, Vector256<float>.Zero) : value).StoreUnsafe(ref output, (nuint)column);
                }
            }

            for (; column < columns; column++)
            {
                ref float target = ref Unsafe.Add(ref output, column);
                float value = hasBias ? target + Unsafe.Add(ref biasStart, column) : target;
                target = relu && value < 0f ? 0f : value;
            }
        }
    }
}
