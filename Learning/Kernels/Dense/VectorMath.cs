namespace OrleansML.Learning.Kernels;

/// <summary>Small vector helpers shared by the dense kernels.</summary>
internal static class VectorMath
{
    /// <summary>Floats per 256-bit vector.</summary>
    public const int Width = 8;

    /// <summary>Floats per 512-bit vector.</summary>
    public const int Width512 = 16;

    /// <summary>addend + left * right, fused when the CPU has FMA (the JIT folds the check away).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Fma.IsSupported ? Fma.MultiplyAdd(left, right, addend) : (left * right) + addend;

    /// <summary>Dot product of the scalar tail [start, end) of two rows, for the columns a vector loop left over.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TailDot(ref float left, ref float right, int start, int end)
    {
        float sum = 0f;
        for (int t = start; t < end; t++)
        {
            sum += Unsafe.Add(ref left, t) * Unsafe.Add(ref right, t);
        }

        return sum;
    }
}
