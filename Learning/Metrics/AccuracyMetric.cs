namespace OrleansML.Learning.Metrics;

/// <summary>Fraction of correct predictions; merging adds the counters, so partition results combine exactly.</summary>
public sealed class AccuracyMetric
{
    /// <summary>An empty accumulator.</summary>
    public AccuracyMetric()
    {
    }

    /// <summary>Rebuilds an accumulator from transported counters.</summary>
    public AccuracyMetric(long correct, long total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(correct);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, correct);
        Correct = correct;
        Total = total;
    }

    /// <summary>Correct predictions counted.</summary>
    public long Correct { get; private set; }

    /// <summary>Predictions counted.</summary>
    public long Total { get; private set; }

    /// <summary>Correct / Total, or NaN when nothing was counted.</summary>
    public double Value => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>Counts one prediction.</summary>
    public void Add(bool correct)
    {
        Total++;
        if (correct)
        {
            Correct++;
        }
    }

    /// <summary>Counts predicted against actual classes, element by element.</summary>
    public void Add(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual)
    {
        if (predicted.Length != actual.Length)
        {
            throw new ArgumentException($"{predicted.Length} predictions but {actual.Length} labels.", nameof(actual));
        }

        for (int i = 0; i < predicted.Length; i++)
        {
            Add(predicted[i] == actual[i]);
        }
    }

    /// <summary>Adds another accumulator's counts to this one.</summary>
    public void Merge(AccuracyMetric other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Correct += other.Correct;
        Total += other.Total;
    }
}
