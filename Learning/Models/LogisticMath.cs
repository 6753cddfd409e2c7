namespace OrleansML.Learning.Models;

/// <summary>Numerically stable sigmoid and log-loss for a logit z and a label y in [0, 1].</summary>
internal static class LogisticMath
{
    /// <summary>1 / (1 + e^−z), computed from e^−|z| so that it never overflows.</summary>
    public static float Sigmoid(float z)
    {
        if (z >= 0f)
        {
            return 1f / (1f + MathF.Exp(-z));
        }

        float exponential = MathF.Exp(z);
        return exponential / (1f + exponential);
    }

    /// <summary>
    /// −y·ln σ(z) − (1−y)·ln(1−σ(z)) = softplus(z) − y·z, with softplus(z) = max(z, 0) + ln(1 + e^−|z|),
    /// which stays finite and accurate for any finite z.
    /// </summary>
    public static float LogLoss(float z, float label)
    {
        Debug.Assert(label is >= 0f and <= 1f, "labels were validated");
        float softplus = MathF.Max(z, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));
        return softplus - (label * z);
    }

    /// <summary>Throws when a binary label is not in [0, 1] (NaN included), naming the row.</summary>
    public static void CheckBinaryLabel(float label, int row, string modelName, string parameterName = "batch")
    {
        if (!(label is >= 0f and <= 1f))
        {
            throw new ArgumentException($"{modelName} needs labels in [0, 1] (0 or 1 for hard labels), but row {row} has label {label}.", parameterName);
        }
    }

    /// <summary>Throws when a regression label is not finite, naming the row.</summary>
    public static void CheckRegressionLabel(float label, int row, string modelName, string parameterName = "batch")
    {
        if (!float.IsFinite(label))
        {
            throw new ArgumentException($"{modelName} needs finite labels, but row {row} has label {label}.", parameterName);
        }
    }
}
