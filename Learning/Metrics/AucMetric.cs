namespace OrleansML.Learning.Metrics;

/// <summary>
/// Exact area under the ROC curve of a binary scorer, mergeable across partitions: it keeps, per distinct
/// score, the number of positive and negative examples, so merging is addition and the value is the
/// same as over the pooled data. Tied scores count one half (the Mann-Whitney U statistic).
/// </summary>
/// <remarks>
/// Memory grows with the number of distinct scores, not examples: about 40 bytes per distinct score
/// (dictionary entry of a float and two longs plus bucket overhead), at most one per example. A float32
/// probability has at most ~1.07e9 distinct values in [0, 1], but a dataset of a million rows typically
/// yields fewer than a million, i.e. under 40 MB. Scores are float32, so scores differing below float
/// precision count as ties. Computing the value sorts the distinct scores: O(d log d).
/// </remarks>
public sealed class AucMetric
{
    private readonly Dictionary<float, AucScoreCounts> _countsByScore = [];

    /// <summary>An empty accumulator.</summary>
    public AucMetric()
    {
    }

    /// <summary>Rebuilds an accumulator from transported counters.</summary>
    public AucMetric(IEnumerable<KeyValuePair<float, AucScoreCounts>> countsByScore)
    {
        ArgumentNullException.ThrowIfNull(countsByScore);
        foreach ((float score, AucScoreCounts counts) in countsByScore)
        {
            if (counts.Positives < 0 || counts.Negatives < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(countsByScore), $"score {score} has negative counts {counts}.");
            }

            AddCounts(score, counts.Positives, counts.Negatives);
        }
    }

    /// <summary>Positive and negative counts per distinct score (the raw counters).</summary>
    public IReadOnlyDictionary<float, AucScoreCounts> CountsByScore => _countsByScore;

    /// <summary>Positive examples counted.</summary>
    public long Positives { get; private set; }

    /// <summary>Negative examples counted.</summary>
    public long Negatives { get; private set; }

    /// <summary>
    /// P(score of a random positive &gt; score of a random negative) + 0.5 P(equal); NaN unless both
    /// classes were seen.
    /// </summary>
    public double Value
    {
        get
        {
            if (Positives == 0 || Negatives == 0)
            {
                return double.NaN;
            }

            float[] scores = [.. _countsByScore.Keys];
            Array.Sort(scores);
            // Pairs are counted in double: Positives x Negatives overflows long beyond ~3e9 examples each.
            double negativesBelow = 0, orderedPairs = 0;
            foreach (float score in scores)
            {
                AucScoreCounts counts = _countsByScore[score];
                orderedPairs += (counts.Positives * negativesBelow) + (0.5 * counts.Positives * (double)counts.Negatives);
                negativesBelow += counts.Negatives;
            }

            return orderedPairs / ((double)Positives * Negatives);
        }
    }

    /// <summary>Counts one example.</summary>
    /// <exception cref="ArgumentException">The score is NaN.</exception>
    public void Add(float score, bool positive) => AddCounts(score, positive ? 1 : 0, positive ? 0 : 1);

    /// <summary>Counts a batch: <paramref name="labels"/> are 0 (negative) or 1 (positive).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a label is not 0 or 1, or a score is NaN.</exception>
    public void Add(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        }

        for (int i = 0; i < scores.Length; i++)
        {
            Add(scores[i], BinaryLabel(labels[i], i));
        }
    }

    /// <summary>Adds another accumulator's counts to this one.</summary>
    public void Merge(AucMetric other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach ((float score, AucScoreCounts counts) in other._countsByScore)
        {
            AddCounts(score, counts.Positives, counts.Negatives);
        }
    }

    internal static bool BinaryLabel(float label, int index) => label switch
    {
        0f => false,
        1f => true,
        _ => throw new ArgumentException($"label {index} must be 0 or 1, got {label}.", nameof(label)),
    };

    private void AddCounts(float score, long positives, long negatives)
    {
        if (float.IsNaN(score))
        {
            throw new ArgumentException("a score is NaN; AUC needs ordered scores.", nameof(score));
        }

        // -0 and +0 are the same score but different dictionary keys.
        score = score == 0 ? 0f : score;
        _countsByScore.TryGetValue(score, out AucScoreCounts existing);
        _countsByScore[score] = new AucScoreCounts(existing.Positives + positives, existing.Negatives + negatives);
        Positives += positives;
        Negatives += negatives;
    }
}
