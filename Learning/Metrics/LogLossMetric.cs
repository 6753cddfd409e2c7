namespace OrleansML.Learning.Metrics;

/// <summary>
/// Mean negative log-likelihood of the true class. Probabilities are clamped to
/// [<see cref="Epsilon"/>, 1 - <see cref="Epsilon"/>] so a confident mistake costs at most
/// -ln(1e-7) ≈ 16.1 instead of infinity.
/// </summary>
/// <remarks>
/// The epsilon is 1e-7 rather than scikit-learn's 1e-15 because model outputs here are float32, whose
/// spacing just below 1 is 6e-8: an output of exactly 1 only says "within 6e-8 of 1", so charging it more
/// than -ln(1e-7) would punish rounding rather than the model. The sum is
/// kept in double; merging adds sums and counts, exact up to the order of floating-point additions.
/// </remarks>
public sealed class LogLossMetric
{
    /// <summary>The probability clamp.</summary>
    public const double Epsilon = 1e-7;

    /// <summary>An empty accumulator.</summary>
    public LogLossMetric()
    {
    }

    /// <summary>Rebuilds an accumulator from transported counters.</summary>
    public LogLossMetric(double sumOfLosses, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(sumOfLosses >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sumOfLosses), $"a sum of log-losses must be >= 0, got {sumOfLosses}.");
        }

        SumOfLosses = sumOfLosses;
        Count = count;
    }

    /// <summary>Sum of per-example losses.</summary>
    public double SumOfLosses { get; private set; }

    /// <summary>Examples counted.</summary>
    public long Count { get; private set; }

    /// <summary>The mean loss, or NaN when nothing was counted.</summary>
    public double Value => Count == 0 ? double.NaN : SumOfLosses / Count;

    /// <summary>Counts one example whose true class was given probability <paramref name="probabilityOfTrueClass"/>.</summary>
    public void Add(double probabilityOfTrueClass)
    {
        if (double.IsNaN(probabilityOfTrueClass))
        {
            throw new ArgumentException("a predicted probability is NaN.", nameof(probabilityOfTrueClass));
        }

        SumOfLosses -= Math.Log(Math.Clamp(probabilityOfTrueClass, Epsilon, 1 - Epsilon));
        Count++;
    }

    /// <summary>Counts one binary example: <paramref name="probabilityOfPositive"/> = P(y = 1), <paramref name="positive"/> the label.</summary>
    public void AddBinary(double probabilityOfPositive, bool positive) =>
        Add(positive ? probabilityOfPositive : 1 - probabilityOfPositive);

    /// <summary>Counts a batch of binary examples: P(y = 1) per row and labels 0 or 1.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a label is not 0 or 1, or a probability is NaN.</exception>
    public void AddBinary(ReadOnlySpan<float> probabilitiesOfPositive, ReadOnlySpan<float> labels)
    {
        if (probabilitiesOfPositive.Length != labels.Length)
        {
            throw new ArgumentException($"{probabilitiesOfPositive.Length} probabilities but {labels.Length} labels.", nameof(labels));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            AddBinary(probabilitiesOfPositive[i], AucMetric.BinaryLabel(labels[i], i));
        }
    }

    /// <summary>Adds another accumulator's counts to this one.</summary>
    public void Merge(LogLossMetric other)
    {
        ArgumentNullException.ThrowIfNull(other);
        SumOfLosses += other.SumOfLosses;
        Count += other.Count;
    }
}
