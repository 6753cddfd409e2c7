namespace OrleansML.Learning.Kernels;

/// <summary>Row-wise softmax with cross-entropy loss over a block of logits (rows x classes, row-major).</summary>
/// <remarks>
/// Each row is shifted by its maximum before exponentiation, so no exponent overflows and the label's
/// log-probability is computed as shifted logit minus log(sum), never as log of a probability that may
/// have underflowed to zero. The exponentials of the whole block run in one vectorised call.
/// Labels must already be validated class ids in 0..classes-1.
/// </remarks>
internal static class SoftmaxCrossEntropyKernel
{
    /// <summary>
    /// Replaces the logits with dLoss/dLogits = softmax - onehot(label) and returns the summed log-loss.
    /// </summary>
    public static double LossAndGradientInPlace(Span<float> logits, ReadOnlySpan<float> labels, int rows, int classes)
    {
        Span<float> block = logits[..(rows * classes)];
        double loss = ExponentiateShifted(block, labels, rows, classes);
        for (int row = 0; row < rows; row++)
        {
            Span<float> values = block.Slice(row * classes, classes);
            float sum = SumAndNormalize(values);
            loss += Math.Log(sum);
            values[(int)labels[row]] -= 1f;
        }

        return loss;
    }

    /// <summary>Returns the summed log-loss of the block; the logits are overwritten with scratch values.</summary>
    public static double Loss(Span<float> logits, ReadOnlySpan<float> labels, int rows, int classes)
    {
        Span<float> block = logits[..(rows * classes)];
        double loss = ExponentiateShifted(block, labels, rows, classes);
        for (int row = 0; row < rows; row++)
        {
            loss += Math.Log(Sum(block.Slice(row * classes, classes)));
        }

        return loss;
    }

    /// <summary>Replaces each row of logits with its softmax probabilities.</summary>
    public static void ProbabilitiesInPlace(Span<float> logits, int rows, int classes)
    {
        Debug.Assert(logits.Length >= rows * classes);
        Span<float> block = logits[..(rows * classes)];
        for (int row = 0; row < rows; row++)
        {
            ShiftByMaximum(block.Slice(row * classes, classes));
        }

        TensorPrimitives.Exp(block, block);
        for (int row = 0; row < rows; row++)
        {
            SumAndNormalize(block.Slice(row * classes, classes));
        }
    }

    /// <summary>
    /// Shifts each row by its maximum, replaces the block with the exponentials of the shifted logits, and
    /// returns minus the sum of the shifted label logits: the first term of each row's log-loss.
    /// </summary>
    private static double ExponentiateShifted(Span<float> block, ReadOnlySpan<float> labels, int rows, int classes)
    {
        Debug.Assert(block.Length == rows * classes && labels.Length >= rows);
        double loss = 0;
        for (int row = 0; row < rows; row++)
        {
            Span<float> values = block.Slice(row * classes, classes);
            ShiftByMaximum(values);
            int label = (int)labels[row];
            Debug.Assert((uint)label < (uint)classes);
            loss -= values[label];
        }

        TensorPrimitives.Exp(block, block);
        return loss;
    }

    private static void ShiftByMaximum(Span<float> values)
    {
        // Scalar on purpose: rows are short (K classes) and a library call per row costs more than the loop.
        float maximum = values[0];
        for (int k = 1; k < values.Length; k++)
        {
            maximum = MathF.Max(maximum, values[k]);
        }

        for (int k = 0; k < values.Length; k++)
        {
            values[k] -= maximum;
        }
    }

    private static float Sum(Span<float> values)
    {
        float sum = 0f;
        for (int k = 0; k < values.Length; k++)
        {
            sum += values[k];
        }

        return sum;
    }

    private static float SumAndNormalize(Span<float> values)
    {
        // sum >= 1 because the maximum's exponential is exactly 1, so the division is safe.
        float sum = Sum(values);
        float inverse = 1f / sum;
        for (int k = 0; k < values.Length; k++)
        {
            values[k] *= inverse;
        }

        return sum;
    }
}
