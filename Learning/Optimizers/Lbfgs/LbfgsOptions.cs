namespace OrleansML.Learning.Optimizers;

/// <summary>Settings of <see cref="LbfgsMinimizer"/>; serialisable, validated by <see cref="Validate"/>.</summary>
public sealed record LbfgsOptions
{
    /// <summary>Iterations (line searches) before stopping, >= 1. Default 100.</summary>
    public int MaximumIterations { get; init; } = 100;

    /// <summary>Stop when max |gradient component| &lt;= this (L2 term included), >= 0. Default 1e-6.</summary>
    public double GradientTolerance { get; init; } = 1e-6;

    /// <summary>Stop when |f_prev - f| &lt;= this * max(|f_prev|, |f|), >= 0 (0 disables). Default 1e-10.</summary>
    public double RelativeFunctionTolerance { get; init; } = 1e-10;

    /// <summary>Correction pairs kept (the m of L-BFGS), >= 1. Default 10.</summary>
    public int HistorySize { get; init; } = 10;

    /// <summary>Objective evaluations allowed per line search, >= 2. Default 25.</summary>
    public int MaximumLineSearchEvaluations { get; init; } = 25;

    /// <summary>Armijo (sufficient decrease) constant c1 in (0, c2). Default 1e-4.</summary>
    public double SufficientDecrease { get; init; } = 1e-4;

    /// <summary>Strong-Wolfe curvature constant c2 in (c1, 1). Default 0.9, the usual value for quasi-Newton methods.</summary>
    public double Curvature { get; init; } = 0.9;

    /// <summary>Adds lambda/2 * ||w||^2 (and lambda * w to the gradient) to the objective, >= 0. Default 0.</summary>
    public double L2Regularization { get; init; }

    /// <summary>First coordinate excluded from the L2 term (e.g. the biases). Default 0.</summary>
    public int L2ExcludedStart { get; init; }

    /// <summary>Number of coordinates excluded from the L2 term, from <see cref="L2ExcludedStart"/>. Default 0.</summary>
    public int L2ExcludedCount { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field, e.g. "lbfgs.historySize must be >= 1, got 0".</summary>
    public void Validate()
    {
        Check(MaximumIterations >= 1, "maximumIterations", "must be >= 1", MaximumIterations);
        Check(GradientTolerance >= 0 && double.IsFinite(GradientTolerance), "gradientTolerance", "must be finite and >= 0", GradientTolerance);
        Check(RelativeFunctionTolerance >= 0 && double.IsFinite(RelativeFunctionTolerance), "relativeFunctionTolerance", "must be finite and >= 0", RelativeFunctionTolerance);
        Check(HistorySize >= 1, "historySize", "must be >= 1", HistorySize);
        Check(MaximumLineSearchEvaluations >= 2, "maximumLineSearchEvaluations", "must be >= 2", MaximumLineSearchEvaluations);
        Check(SufficientDecrease > 0 && SufficientDecrease < 1, "sufficientDecrease", "must be in (0, 1)", SufficientDecrease);
        Check(Curvature > SufficientDecrease && Curvature < 1, "curvature", "must be in (sufficientDecrease, 1)", Curvature);
        Check(L2Regularization >= 0 && double.IsFinite(L2Regularization), "l2Regularization", "must be finite and >= 0", L2Regularization);
        Check(L2ExcludedStart >= 0, "l2ExcludedStart", "must be >= 0", L2ExcludedStart);
        Check(L2ExcludedCount >= 0, "l2ExcludedCount", "must be >= 0", L2ExcludedCount);
    }

    /// <summary>Throws unless the excluded range fits a problem of <paramref name="dimension"/> coordinates.</summary>
    internal void ValidateFor(int dimension)
    {
        if ((long)L2ExcludedStart + L2ExcludedCount > dimension)
        {
            throw new ArgumentException(
                $"lbfgs.l2ExcludedStart + lbfgs.l2ExcludedCount must be <= the dimension {dimension}, got {L2ExcludedStart} + {L2ExcludedCount}");
        }
    }

    private static void Check(bool valid, string field, string rule, double value)
    {
        if (!valid)
        {
            throw new ArgumentException($"lbfgs.{field} {rule}, got {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
