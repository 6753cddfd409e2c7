namespace OrleansML.Learning.Metrics;

/// <summary>
/// The metrics that fit a model's task, filled by <see cref="ModelEvaluator"/>: regression has
/// <see cref="Rmse"/>; binary classification <see cref="Accuracy"/> (threshold 0.5),
/// <see cref="LogLoss"/> and <see cref="Auc"/>; multiclass <see cref="Accuracy"/>, <see cref="LogLoss"/>
/// and <see cref="ConfusionMatrix"/>. The others are null. Results over partitions merge exactly.
/// </summary>
public sealed class EvaluationResult
{
    /// <summary>Assembles a result from metrics (e.g. transported from another process).</summary>
    /// <exception cref="ArgumentException">A metric the task needs is missing, or one it does not use is given.</exception>
    public EvaluationResult(
        ModelTask task,
        RmseMetric? rmse = null,
        AccuracyMetric? accuracy = null,
        LogLossMetric? logLoss = null,
        AucMetric? auc = null,
        ConfusionMatrix? confusionMatrix = null)
    {
        bool regression = task == ModelTask.Regression;
        bool binary = task == ModelTask.BinaryClassification;
        bool multiclass = task == ModelTask.MulticlassClassification;
        if (!regression && !binary && !multiclass)
        {
            throw new ArgumentException($"task {task} is not a defined model task.", nameof(task));
        }

        Require(rmse is not null == regression, nameof(rmse), task);
        Require(accuracy is not null == !regression, nameof(accuracy), task);
        Require(logLoss is not null == !regression, nameof(logLoss), task);
        Require(auc is not null == binary, nameof(auc), task);
        Require(confusionMatrix is not null == multiclass, nameof(confusionMatrix), task);
        Task = task;
        Rmse = rmse;
        Accuracy = accuracy;
        LogLoss = logLoss;
        Auc = auc;
        ConfusionMatrix = confusionMatrix;
    }

    /// <summary>An empty result for <paramref name="task"/>; <paramref name="classCount"/> matters only for multiclass.</summary>
    public static EvaluationResult Empty(ModelTask task, int classCount = 2) => task switch
    {
        ModelTask.Regression => new(task, rmse: new RmseMetric()),
        ModelTask.BinaryClassification => new(task, accuracy: new AccuracyMetric(), logLoss: new LogLossMetric(), auc: new AucMetric()),
        _ => new(task, accuracy: new AccuracyMetric(), logLoss: new LogLossMetric(), confusionMatrix: new ConfusionMatrix(classCount)),
    };

    /// <summary>The task the metrics were chosen for.</summary>
    public ModelTask Task { get; }

    /// <summary>Rows evaluated.</summary>
    public long RowCount => Rmse?.Count ?? Accuracy!.Total;

    /// <summary>Regression only.</summary>
    public RmseMetric? Rmse { get; }

    /// <summary>Classification only.</summary>
    public AccuracyMetric? Accuracy { get; }

    /// <summary>Classification only.</summary>
    public LogLossMetric? LogLoss { get; }

    /// <summary>Binary classification only.</summary>
    public AucMetric? Auc { get; }

    /// <summary>Multiclass classification only.</summary>
    public ConfusionMatrix? ConfusionMatrix { get; }

    /// <summary>Adds another result of the same task (e.g. another partition's) to this one.</summary>
    public void Merge(EvaluationResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Task != Task)
        {
            throw new ArgumentException($"cannot merge a {other.Task} result into a {Task} result.", nameof(other));
        }

        Rmse?.Merge(other.Rmse!);
        Accuracy?.Merge(other.Accuracy!);
        LogLoss?.Merge(other.LogLoss!);
        Auc?.Merge(other.Auc!);
        ConfusionMatrix?.Merge(other.ConfusionMatrix!);
    }

    /// <summary>The metric values on one line, e.g. "rows=10000 accuracy=0.8412 logLoss=0.4561 auc=0.9013".</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"rows={RowCount}");
        if (Rmse is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" rmse={Rmse.Value:G6} mae={Rmse.MeanAbsoluteError:G6}");
        }

        if (Accuracy is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" accuracy={Accuracy.Value:F4} logLoss={LogLoss!.Value:F4}");
        }

        if (Auc is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" auc={Auc.Value:F4}");
        }

        return text.ToString();
    }

    private static void Require(bool consistent, string metric, ModelTask task)
    {
        if (!consistent)
        {
            throw new ArgumentException($"{metric} must be given exactly when the task needs it; task is {task}.", metric);
        }
    }
}
