using System.Text.RegularExpressions;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Storage;

namespace OrleansML.Jobs;

/// <summary>
/// Checks a <see cref="TrainingSpec"/> before any grain starts: every field's range, options that contradict
/// each other, and the data (the manifests exist, parse, have enough partitions, and match the model's input
/// kind and width). The first problem throws <see cref="TrainingSpecException"/> naming the field. A client checks
/// only the syntax of a blob reference (<see cref="DatasetReference"/>); the coordinator checks it against the
/// cluster's store (<see cref="ValidateAsync"/>).
/// </summary>
public static partial class TrainingSpecValidator
{
    /// <summary>Most workers or shards a job may have.</summary>
    public const int MaximumWorkers = 1024;

    /// <summary>Validates the spec, including its local data when <paramref name="checkData"/> (reads the manifests;
    /// a blob reference's syntax only).</summary>
    public static void Validate(TrainingSpec spec, bool checkData = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.JobId is not null && !JobIdPattern().IsMatch(spec.JobId))
        {
            throw new TrainingSpecException("jobId", $"'{spec.JobId}' must be 1-64 letters, digits, '-', '_' or '.'.");
        }

        if (spec.ModelName is not null && !JobIdPattern().IsMatch(spec.ModelName))
        {
            throw new TrainingSpecException("modelName", $"'{spec.ModelName}' must be 1-64 letters, digits, '-', '_' or '.'.");
        }

        if (spec.Model is null)
        {
            throw new TrainingSpecException("model", "is required.");
        }

        try
        {
            spec.Model.Validate("model");
        }
        catch (ArgumentException exception)
        {
            throw new TrainingSpecException("model." + (exception.ParamName ?? "kind"), Reason(exception), exception);
        }

        if (spec.Optimizer is null)
        {
            throw new TrainingSpecException("optimizer", "is required.");
        }

        if (spec.Mode != ConsistencyMode.Lbfgs)
        {
            try
            {
                // decaySteps 0 is resolved when the job starts (AutoSettings); any count stands in for it here.
                (spec.Optimizer.Schedule is { DecaySteps: 0 } ? AutoSettings.Optimizer(spec.Optimizer, spec.Mode, 1, 1, 1) : spec.Optimizer).Validate();
            }
            catch (ArgumentException exception)
            {
                throw new TrainingSpecException(OptimizerField(exception), Reason(exception), exception);
            }
        }

        if (!Enum.IsDefined(spec.Mode))
        {
            throw new TrainingSpecException("mode", $"'{spec.Mode}' is not one of {string.Join(", ", Enum.GetNames<ConsistencyMode>())}.");
        }

        if (!Enum.IsDefined(spec.Compression))
        {
            throw new TrainingSpecException("compression", $"'{spec.Compression}' is not one of {string.Join(", ", Enum.GetNames<TensorCompression>())}.");
        }

        Range("workers", spec.Workers, 1, MaximumWorkers);
        Range("shards", spec.Shards, 1, MaximumWorkers);
        Range("epochs", spec.Epochs, 1, 100_000);
        Range("batchSize", spec.BatchSize, 0, 1_000_000);
        Range("pullEvery", spec.PullEvery, 1, 1_000_000);
        Range("staleness", spec.Staleness, 0, 1_000_000);
        Range("averagingInterval", spec.AveragingInterval, 1, 1_000_000);
        if (spec.AveragingMomentum is double momentum && !(momentum >= 0 && momentum < 1))
        {
            throw new TrainingSpecException("averagingMomentum", $"must be in [0, 1) or null (1 - 1 / workers), got {momentum}.");
        }

        Range("earlyStoppingPatience", spec.EarlyStoppingPatience, 0, 100_000);
        Range("lbfgsIterations", spec.LbfgsIterations, 1, 100_000);
        Range("lbfgsIterationsPerEpoch", spec.LbfgsIterationsPerEpoch, 1, 100_000);
        Range("lbfgsHistory", spec.LbfgsHistory, 1, 100);
        Range("checkpointEverySteps", spec.CheckpointEverySteps, 0, int.MaxValue);
        Range("maxEpochRetries", spec.MaxEpochRetries, 0, 100);
        if (!double.IsFinite(spec.LbfgsL2Regularization) || spec.LbfgsL2Regularization < 0)
        {
            throw new TrainingSpecException("lbfgsL2Regularization", $"must be finite and >= 0, got {spec.LbfgsL2Regularization}.");
        }

        if (spec.BackupWorkers < 0 || spec.BackupWorkers >= spec.Workers)
        {
            throw new TrainingSpecException("backupWorkers", $"must be between 0 and workers - 1 ({spec.Workers - 1}), got {spec.BackupWorkers}.");
        }

        if (spec.BackupWorkers > 0 && spec.Mode != ConsistencyMode.Bsp)
        {
            throw new TrainingSpecException("backupWorkers", $"applies to BSP only, but mode is {spec.Mode}.");
        }

        if (spec.CheckpointEverySteps > 0 && spec.Mode != ConsistencyMode.Bsp)
        {
            throw new TrainingSpecException("checkpointEverySteps", $"applies to BSP only (other modes checkpoint at epoch ends), but mode is {spec.Mode}.");
        }

        if (spec.Data is null || string.IsNullOrWhiteSpace(spec.Data.TrainManifest))
        {
            throw new TrainingSpecException("data.trainManifest", "is required: the path of a partitioned dataset's manifest (<dir>/<name>.manifest.json) or a manifest blob (blob:<folder>/<name>.manifest.json).");
        }

        DatasetReference train = Reference("data.trainManifest", spec.Data.TrainManifest);
        DatasetReference? test = spec.Data.TestManifest is null ? null : Reference("data.testManifest", spec.Data.TestManifest);
        if (Learning.Models.Files.ModelFileHeader.ClassLabelsProblem(spec.Model, spec.Data.ClassLabels) is string labels)
        {
            throw new TrainingSpecException("data.classLabels", labels["classLabels ".Length..]);
        }

        if (spec.TargetAccuracy is double accuracy && !(accuracy > 0 && accuracy <= 1))
        {
            throw new TrainingSpecException("targetAccuracy", $"must be in (0, 1], got {accuracy}.");
        }

        if (spec.TargetAccuracy is not null && test is null)
        {
            throw new TrainingSpecException("targetAccuracy", "needs a held-out set (data.testManifest): accuracy is measured on it.");
        }

        if (spec.TargetLoss is double loss && !(loss > 0 && double.IsFinite(loss)))
        {
            throw new TrainingSpecException("targetLoss", $"must be finite and > 0, got {loss}.");
        }

        if (spec.EarlyStoppingPatience > 0 && test is null)
        {
            throw new TrainingSpecException("earlyStoppingPatience", "needs a held-out set (data.testManifest).");
        }

        IModel model = spec.Model.Create();
        if (spec.Shards > model.ParameterCount)
        {
            throw new TrainingSpecException("shards", $"{spec.Shards} shards exceed the model's {model.ParameterCount} parameters.");
        }

        // Blobs are checked where the cluster's store is reachable: by the coordinator, in ValidateAsync.
        if (checkData && !train.IsBlob)
        {
            CheckTrain(spec, CheckDataset("data.trainManifest", train, OpenLocal("data.trainManifest", train), spec.Model, model));
        }

        if (checkData && test is { IsBlob: false })
        {
            CheckDataset("data.testManifest", test, OpenLocal("data.testManifest", test), spec.Model, model);
        }
    }

    /// <summary>
    /// Validates the spec and all its data, local or in <paramref name="store"/> (the cluster's blob store): what a
    /// silo checks when a job starts, since a client cannot reach the silos' store.
    /// </summary>
    public static async Task ValidateAsync(TrainingSpec spec, IBlobStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        Validate(spec, checkData: false);
        IModel model = spec.Model.Create();
        DatasetReference train = DatasetReference.Parse(spec.Data.TrainManifest);
        DatasetManifest trainManifest = await OpenAsync("data.trainManifest", train, store, cancellationToken);
        CheckTrain(spec, CheckDataset("data.trainManifest", train, trainManifest, spec.Model, model));
        if (spec.Data.TestManifest is not null)
        {
            DatasetReference test = DatasetReference.Parse(spec.Data.TestManifest);
            CheckDataset("data.testManifest", test, await OpenAsync("data.testManifest", test, store, cancellationToken), spec.Model, model);
        }
    }

    private static DatasetReference Reference(string field, string text)
    {
        try
        {
            return DatasetReference.Parse(text);
        }
        catch (ArgumentException exception)
        {
            throw new TrainingSpecException(field, exception.Message);
        }
    }

    private static DatasetManifest OpenLocal(string field, DatasetReference reference)
    {
        try
        {
            return reference.OpenManifestAsync(store: null).GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or DataFormatException or ArgumentException)
        {
            throw new TrainingSpecException(field, $"cannot read '{reference}': {exception.Message}", exception);
        }
    }

    private static async Task<DatasetManifest> OpenAsync(string field, DatasetReference reference, IBlobStore store, CancellationToken cancellationToken)
    {
        if (!reference.IsBlob)
        {
            return OpenLocal(field, reference);
        }

        // No inner exception: the store's exception types do not cross the wire to the client.
        try
        {
            return await reference.OpenManifestAsync(store, cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            throw new TrainingSpecException(field, $"blob '{reference.Manifest}' not found in the cluster's blob store ({store.Location}).");
        }
        catch (Exception exception) when (exception is BlobStoreException or DataFormatException)
        {
            throw new TrainingSpecException(field, $"cannot read '{reference}': {exception.Message}");
        }
    }

    private static void CheckTrain(TrainingSpec spec, DatasetManifest train)
    {
        if (train.Partitions.Count < spec.Workers)
        {
            throw new TrainingSpecException("workers", $"{spec.Workers} workers need at least {spec.Workers} partitions, but '{spec.Data.TrainManifest}' has {train.Partitions.Count}.");
        }
    }

    private static DatasetManifest CheckDataset(string field, DatasetReference path, DatasetManifest manifest, ModelSpec spec, IModel model)
    {
        bool sparse = manifest.Kind == PartitionKind.Sparse;
        if (sparse != (model.Input == ModelInput.Sparse))
        {
            throw new TrainingSpecException(field, $"'{path}' is {manifest.Kind.ToString().ToLowerInvariant()} but model '{spec.Kind}' needs {model.Input.ToString().ToLowerInvariant()} input.");
        }

        if (sparse && manifest.IndexWidth != 4)
        {
            throw new TrainingSpecException(field, $"'{path}' has {manifest.IndexWidth}-byte feature ids; models read 4-byte ids (hash the features first).");
        }

        if (!sparse && manifest.ColumnCount != spec.FeatureCount)
        {
            throw new TrainingSpecException("model.featureCount", $"is {spec.FeatureCount} but '{path}' has {manifest.ColumnCount} columns.");
        }

        if (manifest.RowCount == 0)
        {
            throw new TrainingSpecException(field, $"'{path}' has no rows.");
        }

        return manifest;
    }

    /// <summary>The optimizer's messages start with the field they blame ("optimizer.learningRate must be > 0"):
    /// that field, not the kind, is the one at fault.</summary>
    private static string OptimizerField(ArgumentException exception)
    {
        string message = exception.Message;
        int space = message.IndexOf(' ', StringComparison.Ordinal);
        return message.StartsWith("optimizer.", StringComparison.Ordinal) && space > 0 ? message[..space]
            : "optimizer." + (exception.ParamName ?? "kind");
    }

    /// <summary>The message without the " (Parameter 'x')" the runtime appends: the field is named already.</summary>
    private static string Reason(ArgumentException exception) =>
        exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : exception.Message;

    private static void Range(string field, int value, int minimum, int maximum)
    {
        if (value < minimum || value > maximum)
        {
            throw new TrainingSpecException(field, $"must be between {minimum} and {maximum}, got {value}.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex JobIdPattern();
}
