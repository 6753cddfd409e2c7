namespace OrleansML.Learning.Metrics;

/// <summary>Root mean squared error (and mean absolute error) of real-valued predictions.</summary>
/// <remarks>Sums are kept in double; merging adds them, exact up to the order of floating-point additions.</remarks>
public sealed class RmseMetric
{
    /// <summary>An empty accumulator.</summary>
    public RmseMetric()
    {
    }

    /// <summary>Rebuilds an accumulator from transported counters.</summary>
    public RmseMetric(double sumOfSquaredErrors, double sumOfAbsoluteErrors, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(sumOfSquaredErrors);
        ArgumentOutOfRangeException.ThrowIfNegative(sumOfAbsoluteErrors);
        SumOfSquaredErrors = sumOfSquaredErrors;
        SumOfAbsoluteErrors = sumOfAbsoluteErrors;
        Count = count;
    }

    /// <summary>Sum of (prediction - label)^2.</summary>
    public double SumOfSquaredErrors { get; private set; }

    /// <summary>Sum of |prediction - label|.</summary>
    public double SumOfAbsoluteErrors { get; private set; }

    /// <summary>Examples counted.</summary>
    public long Count { get; private set; }

    /// <summary>sqrt(mean squared error), or NaN when nothing was counted.</summary>
    public double Value => Count == 0 ? double.NaN : Math.Sqrt(SumOfSquaredErrors / Count);

    /// <summary>Mean absolute error, or NaN when nothing was counted.</summary>
    public double MeanAbsoluteError => Count == 0 ? double.NaN : SumOfAbsoluteErrors / Count;

    /// <summary>Counts one prediction.</summary>
    public void Add(double prediction, double label)
    {
        double error = prediction - label;
        SumOfSquaredErrors += error * error;
        SumOfAbsoluteErrors += Math.Abs(error);
        Count++;
    }

    /// <summary>Counts predictions against labels, element by element.</summary>
    public void Add(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels)
    {
        if (predictions.Length != labels.Length)
        {
            throw new ArgumentException($"{predictions.Length} predictions but {labels.Length} labels.", nameof(labels));
        }

        for (int i = 0; i < predictions.Length; i++)
        {
            Add(predictions[i], labels[i]);
        }
    }

    /// <summary>Adds another accumulator's counts to this one.</summary>
    public void Merge(RmseMetric other)
    {
        ArgumentNullException.ThrowIfNull(other);
        SumOfSquaredErrors += other.SumOfSquaredErrors;
        SumOfAbsoluteErrors += other.SumOfAbsoluteErrors;
        Count += other.Count;
    }
}
