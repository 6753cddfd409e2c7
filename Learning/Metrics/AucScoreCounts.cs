namespace OrleansML.Learning.Metrics;

/// <summary>How many positive and negative examples received one score (a raw counter of <see cref="AucMetric"/>).</summary>
public readonly record struct AucScoreCounts(long Positives, long Negatives);
