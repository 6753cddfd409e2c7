using OrleansML.Learning.Metrics;

namespace OrleansML.Workers;

/// <summary>An <see cref="EvaluationResult"/> as plain data (JSON), so that workers' results travel to the
/// coordinator and merge there exactly.</summary>
[GenerateSerializer]
[Alias("OrleansML.EvaluationSummary")]
public sealed record EvaluationSummary
{
    [Id(0)]
    public ModelTask Task { get; init; }

    /// <summary>Classes (multiclass), else 2.</summary>
    [Id(1)]
    public int ClassCount { get; init; } = 2;

    /// <summary>Correct predictions (classifiers).</summary>
    [Id(2)]
    public long Correct { get; init; }

    /// <summary>Rows evaluated (classifiers).</summary>
    [Id(3)]
    public long Total { get; init; }

    /// <summary>Sum of per-row log-losses (classifiers).</summary>
    [Id(4)]
    public double LogLossSum { get; init; }

    /// <summary>Rows in the log-loss (classifiers).</summary>
    [Id(5)]
    public long LogLossCount { get; init; }

    /// <summary>Distinct scores (binary), with their positive and negative counts below.</summary>
    [Id(6)]
    public FloatTensor AucScores { get; init; } = FloatTensor.Empty;

    [Id(7)]
    public long[] AucPositives { get; init; } = [];

    [Id(8)]
    public long[] AucNegatives { get; init; } = [];

    /// <summary>Confusion counts, row-major [actual, predicted] (multiclass).</summary>
    [Id(9)]
    public long[] Confusion { get; init; } = [];

    /// <summary>Sum of squared errors (regression).</summary>
    [Id(10)]
    public double SquaredErrorSum { get; init; }

    /// <summary>Sum of absolute errors (regression).</summary>
    [Id(11)]
    public double AbsoluteErrorSum { get; init; }

    /// <summary>Rows evaluated (regression).</summary>
    [Id(12)]
    public long RegressionCount { get; init; }

    public static EvaluationSummary From(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var scores = result.Auc?.CountsByScore.OrderBy(p => p.Key).ToArray() ?? [];
        return new EvaluationSummary
        {
            Task = result.Task,
            ClassCount = result.ConfusionMatrix?.ClassCount ?? 2,
            Correct = result.Accuracy?.Correct ?? 0,
            Total = result.Accuracy?.Total ?? 0,
            LogLossSum = result.LogLoss?.SumOfLosses ?? 0,
            LogLossCount = result.LogLoss?.Count ?? 0,
            AucScores = new FloatTensor([.. scores.Select(p => p.Key)]),
            AucPositives = [.. scores.Select(p => p.Value.Positives)],
            AucNegatives = [.. scores.Select(p => p.Value.Negatives)],
            Confusion = result.ConfusionMatrix?.Counts.ToArray() ?? [],
            SquaredErrorSum = result.Rmse?.SumOfSquaredErrors ?? 0,
            AbsoluteErrorSum = result.Rmse?.SumOfAbsoluteErrors ?? 0,
            RegressionCount = result.Rmse?.Count ?? 0,
        };
    }

    /// <summary>Rebuilds the result.</summary>
    /// <exception cref="ArgumentException">The summary is inconsistent (arrays of different lengths).</exception>
    public EvaluationResult ToResult()
    {
        if (AucScores.Length != AucPositives.Length || AucScores.Length != AucNegatives.Length)
        {
            throw new ArgumentException("AUC arrays of an evaluation summary differ in length.");
        }

        return Task switch
        {
            ModelTask.Regression => new EvaluationResult(Task, rmse: new RmseMetric(SquaredErrorSum, AbsoluteErrorSum, RegressionCount)),
            ModelTask.BinaryClassification => new EvaluationResult(
                Task,
                accuracy: new AccuracyMetric(Correct, Total),
                logLoss: new LogLossMetric(LogLossSum, LogLossCount),
                auc: new AucMetric(AucScores.Values.Select((score, i) => KeyValuePair.Create(score, new AucScoreCounts(AucPositives[i], AucNegatives[i]))))),
            _ => new EvaluationResult(
                Task,
                accuracy: new AccuracyMetric(Correct, Total),
                logLoss: new LogLossMetric(LogLossSum, LogLossCount),
                confusionMatrix: Confusion.Length == 0 ? new ConfusionMatrix(ClassCount) : new ConfusionMatrix(ClassCount, Confusion)),
        };
    }
}
