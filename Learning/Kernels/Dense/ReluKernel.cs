namespace OrleansML.Learning.Kernels;

internal static class ReluKernel
{
    /// <summary>values[i] = max(values[i], 0), in place.</summary>
    public static void Forward(Span<float> values) => TensorPrimitives.Max(values, 0f, values);

    /// <summary>
    /// Zeroes gradients[i] where activations[i] is not positive. The activations are the ReLU outputs,
    /// which are positive exactly where the pre-activations were.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> activations, Span<float> gradients)
    {
        Debug.Assert(activations.Length == gradients.Length);
        int index = 0;
        if (KernelSupport.Level != SimdLevel.Scalar)
        {
            ref float activationStart = ref MemoryMarshal.GetReference(activations);
            ref float gradientStart = ref MemoryMarshal.GetReference(gradients);
            for (; index + VectorMath.Width <= gradients.Length; index += VectorMath.Width)
            {
                Vector256<float> positive = Vector256.GreaterThan(Vector256.LoadUnsafe(ref activationStart, (nuint)index), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref gradientStart, (nuint)index) & positive).StoreUnsafe(ref gradientStart, (nuint)index);
            }
        }

        for (; index < gradients.Length; index++)
        {
            if (!(activations[index] > 0f))
            {
                gradients[index] = 0f;
            }
        }
    }
}
