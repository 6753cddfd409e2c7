namespace OrleansML.Learning.Kernels;

/// <summary>
/// Softmax regression forward and backward fused per block of rows: logits = X·Wᵀ + b, the softmax
/// cross-entropy loss, dLogits = p - onehot, then gradW += dLogitsᵀ·X and gradB += Σ dLogits.
/// </summary>
/// <remarks>
/// A block of rows is read from memory once by the forward pass and is still in L1/L2 when the backward
/// pass reads it again, so the kernel streams X from RAM once per epoch. W (K x D) and gradW stay cache
/// resident across blocks. The gradients are sums over rows, not means: the caller scales them.
/// </remarks>
internal static class FusedSoftmaxGradientKernel
{
    /// <summary>Rows per block when the caller has no reason to pick another size.</summary>
    public const int DefaultBlockRows = 16;

    /// <summary>
    /// Accumulates the summed gradients of the rows of <paramref name="features"/> (rows x depth) into
    /// <paramref name="weightGradient"/> (classes x depth) and <paramref name="biasGradient"/> (classes),
    /// and returns the summed log-loss. <paramref name="logitsScratch"/> holds blockRows x classes floats.
    /// </summary>
    public static double Accumulate(
        ReadOnlySpan<float> features,
        ReadOnlySpan<float> labels,
        int rows,
        int depth,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias,
        int classes,
        Span<float> weightGradient,
        Span<float> biasGradient,
        Span<float> logitsScratch,
        int blockRows)
    {
        Debug.Assert(blockRows > 0 && logitsScratch.Length >= blockRows * classes);
        Debug.Assert(features.Length >= rows * depth && labels.Length >= rows);
        Debug.Assert(weights.Length >= classes * depth && bias.Length >= classes);
        Debug.Assert(weightGradient.Length >= classes * depth && biasGradient.Length >= classes);
        double loss = 0;
        for (int start = 0; start < rows; start += blockRows)
        {
            int count = Math.Min(blockRows, rows - start);
            ReadOnlySpan<float> block = features.Slice(start * depth, count * depth);
            Span<float> logits = logitsScratch[..(count * classes)];
            ProductWithTransposed.Compute(block, weights, bias, logits, count, classes, depth);
            loss += SoftmaxCrossEntropyKernel.LossAndGradientInPlace(logits, labels.Slice(start, count), count, classes);
            int next = start + count;
            ReadOnlySpan<float> nextBlock = features.Slice(next * depth, Math.Min(blockRows, rows - next) * depth);
            TransposedProductAccumulator.Accumulate(logits, block, weightGradient, count, classes, depth, nextBlock);
            TransposedProductAccumulator.AccumulateColumnSums(logits, biasGradient, count, classes);
        }

        return loss;
    }
}
