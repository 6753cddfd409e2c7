namespace OrleansML.Learning.Models.Dense;

/// <summary>
/// What separates one dense linear model from another: how labels are checked, the loss of a row with
/// margin w·x + b, its derivative with respect to the margin, and how margins become outputs.
/// </summary>
/// <remarks>
/// Implemented by structs and used as a generic argument, so the JIT specialises
/// <see cref="DenseLinearModel{TLink}"/> for each link and inlines these calls into its row loops.
/// </remarks>
internal interface ILinearLink
{
    /// <summary>Throws, naming the model and the row, when a label is outside the link's domain.</summary>
    static abstract void RequireLabels(IModel model, DataBatch batch);

    /// <summary>The loss of one row, summed in double by the caller.</summary>
    static abstract double RowLoss(float margin, float label);

    /// <summary>dLoss/dMargin of one row.</summary>
    static abstract float LossSlope(float margin, float label);

    /// <summary>Turns the margins of a batch into the model's outputs, in place.</summary>
    static abstract void MarginsToOutputs(Span<float> margins);
}

/// <summary>Identity link with half the squared error: least-squares regression.</summary>
internal readonly struct IdentityLink : ILinearLink
{
    public static void RequireLabels(IModel model, DataBatch batch) => DenseModelChecks.RequireFiniteLabels(model, batch);

    public static double RowLoss(float margin, float label)
    {
        // The residual is rounded to float first, as the gradient sees it, and squared in double.
        double residual = margin - label;
        return 0.5 * residual * residual;
    }

    public static float LossSlope(float margin, float label) => margin - label;

    public static void MarginsToOutputs(Span<float> margins)
    {
        // The prediction is the margin itself.
    }
}

/// <summary>Logit link with the log-loss: binary logistic regression, labels 0 or 1.</summary>
internal readonly struct LogitLink : ILinearLink
{
    public static void RequireLabels(IModel model, DataBatch batch) => DenseModelChecks.RequireClassIds(model, batch, 2);

    /// <summary>max(z, 0) − y·z + log(1 + exp(−|z|)) in double: it neither overflows nor rounds small probabilities to zero.</summary>
    public static double RowLoss(float margin, float label) =>
        Math.Max(margin, 0.0) - (label * (double)margin) + Math.Log(1.0 + Math.Exp(-Math.Abs((double)margin)));

    public static float LossSlope(float margin, float label) => LogisticMath.Sigmoid(margin) - label;

    public static void MarginsToOutputs(Span<float> margins)
    {
        for (int row = 0; row < margins.Length; row++)
        {
            margins[row] = LogisticMath.Sigmoid(margins[row]);
        }
    }
}
