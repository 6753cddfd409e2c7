namespace OrleansML.Learning.Metrics;

/// <summary>
/// K x K counts of (actual class, predicted class), with accuracy and per-class precision and recall.
/// Merging adds the counts, so partition results combine exactly.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>An empty matrix over <paramref name="classCount"/> classes.</summary>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ClassCount = classCount;
        _counts = new long[checked(classCount * classCount)];
    }

    /// <summary>Rebuilds a matrix from transported counts (row-major, row = actual class).</summary>
    public ConfusionMatrix(int classCount, ReadOnlySpan<long> counts)
        : this(classCount)
    {
        if (counts.Length != _counts.Length)
        {
            throw new ArgumentException($"{counts.Length} counts do not fill a {classCount} x {classCount} matrix.", nameof(counts));
        }

        foreach (long count in counts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(counts));
        }

        counts.CopyTo(_counts);
        Total = SumOf(_counts);
    }

    /// <summary>Number of classes K.</summary>
    public int ClassCount { get; }

    /// <summary>The raw counts, row-major: index actual * K + predicted.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Examples counted.</summary>
    public long Total { get; private set; }

    /// <summary>Examples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[Index(actual, predicted)];

    /// <summary>Fraction on the diagonal, or NaN when empty.</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int k = 0; k < ClassCount; k++)
            {
                correct += _counts[(k * ClassCount) + k];
            }

            return Total == 0 ? double.NaN : (double)correct / Total;
        }
    }

    /// <summary>Of the examples predicted as <paramref name="classId"/>, the fraction that were; NaN if none was predicted.</summary>
    public double Precision(int classId)
    {
        long predicted = 0;
        for (int actual = 0; actual < ClassCount; actual++)
        {
            predicted += _counts[Index(actual, classId)];
        }

        return predicted == 0 ? double.NaN : (double)_counts[Index(classId, classId)] / predicted;
    }

    /// <summary>Of the examples of class <paramref name="classId"/>, the fraction predicted so; NaN if the class never occurred.</summary>
    public double Recall(int classId)
    {
        long actual = SumOf(_counts.AsSpan(Index(classId, 0), ClassCount));
        return actual == 0 ? double.NaN : (double)_counts[Index(classId, classId)] / actual;
    }

    /// <summary>Counts one example.</summary>
    public void Add(int actual, int predicted)
    {
        _counts[Index(actual, predicted)]++;
        Total++;
    }

    /// <summary>Counts a batch of (actual, predicted) pairs.</summary>
    public void Add(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        if (actual.Length != predicted.Length)
        {
            throw new ArgumentException($"{actual.Length} labels but {predicted.Length} predictions.", nameof(predicted));
        }

        for (int i = 0; i < actual.Length; i++)
        {
            Add(actual[i], predicted[i]);
        }
    }

    /// <summary>Adds another matrix's counts to this one.</summary>
    public void Merge(ConfusionMatrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.ClassCount != ClassCount)
        {
            throw new ArgumentException($"cannot merge a {other.ClassCount}-class matrix into a {ClassCount}-class one.", nameof(other));
        }

        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Total += other.Total;
    }

    private int Index(int actual, int predicted)
    {
        if ((uint)actual >= (uint)ClassCount || (uint)predicted >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(actual), $"classes ({actual}, {predicted}) are outside 0..{ClassCount - 1}.");
        }

        return (actual * ClassCount) + predicted;
    }

    private static long SumOf(ReadOnlySpan<long> values)
    {
        long sum = 0;
        foreach (long value in values)
        {
            sum += value;
        }

        return sum;
    }
}
