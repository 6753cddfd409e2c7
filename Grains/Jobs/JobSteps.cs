using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Metrics;
using OrleansML.Learning.Models.Store;
using OrleansML.Models;

namespace OrleansML.Grains.Jobs;

/// <summary>Steps both drivers share: sizing the job, elastic worker counts, evaluation, saving the model.</summary>
internal static class JobSteps
{
    /// <summary>Steps per epoch: <c>ceil(rows / batch)</c>, capped at the smallest partition so that every
    /// worker's batch of every step has at least one row whatever the worker count.</summary>
    public static int StepsPerEpoch(TrainingSpec spec, DatasetManifest train)
    {
        int batch = AutoSettings.BatchSize(spec, train.RowCount);
        long steps = (train.RowCount + batch - 1) / batch;
        long smallestPartition = train.Partitions.Min(p => p.RowCount);
        return (int)Math.Clamp(Math.Min(steps, smallestPartition), 1, int.MaxValue);
    }

    /// <summary>The spec with its data-dependent values resolved (<see cref="AutoSettings"/>): the same spec and
    /// data resolve the same way in every activation, so a resumed job continues with the schedule it began.</summary>
    public static TrainingSpec Resolve(TrainingSpec spec, DatasetManifest train) =>
        spec with { Optimizer = AutoSettings.Optimizer(spec.Optimizer, spec.Mode, spec.Epochs, StepsPerEpoch(spec, train), spec.Workers) };

    /// <summary>The workers for the next epoch and the active silos: one per active silo when elastic (never
    /// fewer than the spec's, never more than the partitions). <paramref name="active"/> are the silos the
    /// coordinator silo's placement can use now (<see cref="IJobHost.ActiveSilos"/>): counting a joining silo that
    /// placement does not offer yet would put the extra worker on an old silo.</summary>
    public static (int Workers, List<string> Silos) ChooseWorkers(IReadOnlyList<SiloAddress> active, TrainingSpec spec, int partitions)
    {
        List<string> addresses = [.. active.Select(s => s.ToString()).Order(StringComparer.Ordinal)];
        int workers = spec.Elastic ? Math.Clamp(Math.Max(spec.Workers, addresses.Count), spec.Workers, Math.Max(spec.Workers, partitions)) : spec.Workers;
        return (workers, addresses);
    }

    /// <summary>Evaluates the held-out set, spread over the workers, and merges their results exactly.</summary>
    public static async Task<EvaluationResult?> EvaluateAsync(JobGroup group, IReadOnlyList<WorkerAssignment> assignments, long attempt)
    {
        if (assignments[0].TestManifest is null)
        {
            return null;
        }

        EvaluationSummary[] parts = await Task.WhenAll(assignments.Select((a, i) => group.Worker(i).EvaluateAsync(a, attempt)));
        EvaluationResult merged = parts[0].ToResult();
        foreach (EvaluationSummary part in parts.Skip(1))
        {
            merged.Merge(part.ToResult());
        }

        return merged;
    }

    /// <summary>Fills an epoch's held-out metrics from <paramref name="result"/>.</summary>
    public static EpochMetrics WithTest(EpochMetrics metrics, EvaluationResult? result) => result is null ? metrics : metrics with
    {
        TestAccuracy = result.Accuracy?.Value,
        TestLogLoss = result.LogLoss?.Value,
        TestAuc = result.Auc?.Value,
        TestRmse = result.Rmse?.Value,
    };

    /// <summary>The held-out loss early stopping watches: log-loss for classifiers, RMSE for regression.</summary>
    public static double? TestLoss(EpochMetrics metrics) => metrics.TestLogLoss ?? metrics.TestRmse;

    /// <summary>Updates the early-stopping counters and says whether to stop.</summary>
    public static bool ShouldStopEarly(JobRecord record, EpochMetrics metrics, int patience)
    {
        if (TestLoss(metrics) is not double loss)
        {
            return false;
        }

        if (loss < record.BestTestLoss)
        {
            record.BestTestLoss = loss;
            record.EpochsWithoutImprovement = 0;
            return false;
        }

        record.EpochsWithoutImprovement++;
        return patience > 0 && record.EpochsWithoutImprovement >= patience;
    }

    /// <summary>
    /// Why the job stops after <paramref name="metrics"/>' epoch because it reached one of the spec's targets
    /// (held-out accuracy at least <see cref="TrainingSpec.TargetAccuracy"/>, training loss at most
    /// <see cref="TrainingSpec.TargetLoss"/>), or null to go on.
    /// </summary>
    public static string? TargetReached(TrainingSpec spec, EpochMetrics metrics) =>
        spec.TargetAccuracy is double accuracy && metrics.TestAccuracy is double reached && reached >= accuracy
            ? string.Create(CultureInfo.InvariantCulture, $"reached target accuracy {accuracy} at epoch {metrics.Epoch} (test accuracy {reached:F4})")
        : spec.TargetLoss is double loss && double.IsFinite(metrics.TrainLoss) && metrics.TrainLoss <= loss
            ? string.Create(CultureInfo.InvariantCulture, $"reached target loss {loss} at epoch {metrics.Epoch} (train loss {metrics.TrainLoss:F4})")
        : null;

    /// <summary>Saves the finished model in the registry (idempotent per job) and records its name and version.</summary>
    public static async Task SaveModelAsync(IJobHost host, ModelSpec model, float[] parameters)
    {
        JobRecord record = host.Record;
        string name = record.Spec!.ModelName ?? host.JobId;
        var metrics = new Dictionary<string, double>();
        if (record.History.Count > 0)
        {
            EpochMetrics last = record.History[^1];
            metrics["train_loss"] = last.TrainLoss;
            AddIfPresent(metrics, "test_accuracy", last.TestAccuracy);
            AddIfPresent(metrics, "test_log_loss", last.TestLogLoss);
            AddIfPresent(metrics, "test_auc", last.TestAuc);
            AddIfPresent(metrics, "test_rmse", last.TestRmse);
        }

        // The coordinator holds the parameters, so it writes the model file to the store itself and only the version
        // number crosses to the registry: a model may be far larger than a message.
        IModelRegistryGrain registry = host.Grains.GetGrain<IModelRegistryGrain>(name);
        ModelSaveSlot slot = await registry.ReserveVersionAsync(host.JobId);
        int version = slot.Version;
        if (!slot.Saved)
        {
            await new ModelStore(host.BlobStore, host.Time).SaveVersionAsync(name, version, model, parameters, metrics, host.JobId, record.Spec.Data.ClassLabels);
            version = await registry.CommitVersionAsync(version, host.JobId);
        }

        record.ModelName = name;
        record.ModelVersion = version;
    }

    private static void AddIfPresent(Dictionary<string, double> metrics, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            metrics[name] = v;
        }
    }
}
