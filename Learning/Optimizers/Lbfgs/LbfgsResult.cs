namespace OrleansML.Learning.Optimizers;

/// <summary>The outcome of an L-BFGS run. Loss and gradient include the L2 term of <see cref="LbfgsOptions"/>.</summary>
public sealed class LbfgsResult
{
    internal LbfgsResult(double[] point, double loss, double gradientNorm, int iterations, long evaluations, LbfgsConvergence reason)
    {
        Point = point;
        Loss = loss;
        GradientNorm = gradientNorm;
        Iterations = iterations;
        Evaluations = evaluations;
        Reason = reason;
    }

    /// <summary>The final point (a copy; the caller owns it).</summary>
    public double[] Point { get; }

    /// <summary>The objective at <see cref="Point"/>.</summary>
    public double Loss { get; }

    /// <summary>The largest absolute gradient component at <see cref="Point"/>.</summary>
    public double GradientNorm { get; }

    /// <summary>Completed iterations, counted over resumed runs too.</summary>
    public int Iterations { get; }

    /// <summary>Objective evaluations, counted over resumed runs too.</summary>
    public long Evaluations { get; }

    /// <summary>Why the run stopped.</summary>
    public LbfgsConvergence Reason { get; }
}
