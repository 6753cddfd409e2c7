using OrleansML.Grains.Diagnostics;
using OrleansML.Learning.Metrics;
using Orleans.Runtime;
using OrleansML.Grains.Placement;
using OrleansML.Grains.Transfer;

namespace OrleansML.Grains.Workers;

/// <summary>See <see cref="IPartitionWorkerGrain"/>. Not reentrant: one run, evaluation or load at a time,
/// which is what the coordinator sends anyway; the data and buffers it keeps are therefore never shared.</summary>
[SpreadPlacement]
internal sealed partial class PartitionWorkerGrain(
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<PartitionWorkerGrain> logger,
    IBlobStore blobStore,
    IOptions<TransferOptions> transfer,
    [PersistentState("worker", "Default")] IPersistentState<LocalOptimizerRecord> localMoments) : Grain, IPartitionWorkerGrain
{
    private WorkerModel? _model;

    public async Task<WorkerLoadInfo> LoadAsync(WorkerAssignment assignment)
    {
        WorkerModel model = await EnsureLoadedAsync(assignment);
        return new WorkerLoadInfo { TrainRows = model.Data.Train.Count, TestRows = model.Data.Test?.Count ?? 0, Silo = silo.Name };
    }

    public async Task<WorkerEpochResult> RunEpochAsync(WorkerAssignment assignment, long attempt, int epoch, long firstStep)
    {
        WorkerModel model = await EnsureLoadedAsync(assignment);
        if (assignment.StepsPerEpoch < 1 || assignment.StepsPerEpoch > model.Data.Train.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(assignment), $"{assignment.StepsPerEpoch} steps per epoch do not fit worker {assignment.WorkerIndex}'s {model.Data.Train.Count} rows.");
        }

        // Only model averaging has a local optimizer, and only a stateful one has moments to carry between epochs.
        bool keepsMoments = model.HasLocalMoments;
        if (keepsMoments)
        {
            AlignLocalMoments(model, assignment, firstStep);
            // Unknown until the run returns: a run that fails part-way has moved the moments on.
            model.LocalMomentsStep = -1;
        }

        var channel = new ShardChannel(GrainFactory, assignment, model.Model.ParameterCount, attempt, transfer.Value.FloatsPerMessage);
        var runner = new EpochRunner(model, assignment, channel, time);
        WorkerEpochResult result = await runner.RunAsync(epoch, firstStep, silo.Name);
        if (keepsMoments)
        {
            model.LocalMomentsStep = result.NextStep;
            if (result.NextStep == (long)epoch * assignment.StepsPerEpoch)
            {
                // Durable before the epoch is reported done, hence before the coordinator checkpoints the shards at
                // this step: a replay from that checkpoint always finds these moments.
                localMoments.State = (localMoments.State ?? new LocalOptimizerRecord()).With(result.NextStep, model.SaveLocalMoments());
                await localMoments.WriteStateAsync();
            }
        }

        return result;
    }

    /// <summary>
    /// Model averaging's local moments must be those the undisturbed run had at <paramref name="firstStep"/>: the
    /// ones in memory when this worker stopped there, the saved ones of the epoch that ended there (after the
    /// worker's silo died, or after an attempt that ran past it failed), or fresh ones at step 0. A replay from
    /// any other point (a checkpoint inside an epoch) starts with fresh moments, and the log says so.
    /// </summary>
    private void AlignLocalMoments(WorkerModel model, WorkerAssignment assignment, long firstStep)
    {
        if (model.LocalMomentsStep == firstStep)
        {
            return;
        }

        if (firstStep == 0)
        {
            model.ResetLocalMoments(0);
        }
        else if (localMoments.State?.Find(firstStep) is byte[] saved)
        {
            model.RestoreLocalMoments(saved, firstStep);
        }
        else
        {
            model.ResetLocalMoments(firstStep);
            string savedSteps = string.Join(", ", localMoments.State?.Saved.Select(s => s.Step) ?? []);
            LogFreshMoments(logger, assignment.JobId, assignment.WorkerIndex, firstStep, savedSteps);
        }
    }

    public async Task<EvaluationSummary> EvaluateAsync(WorkerAssignment assignment, long attempt)
    {
        WorkerModel model = await EnsureLoadedAsync(assignment);
        var evaluator = new ModelEvaluator(model.Model);
        if (model.Data.Test is not DataBatch test)
        {
            return EvaluationSummary.From(evaluator.CreateResult());
        }

        var channel = new ShardChannel(GrainFactory, assignment, model.Model.ParameterCount, attempt, transfer.Value.FloatsPerMessage);
        await channel.PullAllAsync(model.Parameters, clock: 0, minimumVersion: 0);
        return EvaluationSummary.From(evaluator.Evaluate(model.Parameters, test));
    }

    public async Task<WorkerEpochResult> ComputeTrainingLossAsync(WorkerAssignment assignment, long attempt)
    {
        WorkerModel model = await EnsureLoadedAsync(assignment);
        var channel = new ShardChannel(GrainFactory, assignment, model.Model.ParameterCount, attempt, transfer.Value.FloatsPerMessage);
        await channel.PullAllAsync(model.Parameters, clock: 0, minimumVersion: 0);
        DataBatch train = model.Data.Train;
        double meanLoss = train.Count == 0 ? 0 : model.Model.ComputeLoss(model.Parameters, train);
        return new WorkerEpochResult { LossSum = meanLoss * train.Count, Rows = train.Count, Silo = silo.Name };
    }

    public async Task<LossGradient> ComputeLossAndGradientAsync(WorkerAssignment assignment, FloatTensor parameterTensor)
    {
        ArgumentNullException.ThrowIfNull(parameterTensor);
        float[] parameters = parameterTensor.Values;
        WorkerModel model = await EnsureLoadedAsync(assignment);
        if (parameters.Length != model.Model.ParameterCount)
        {
            throw new ArgumentException($"{parameters.Length} parameters given; model '{model.Model.Name}' has {model.Model.ParameterCount}.", nameof(parameterTensor));
        }

        LossGradient result = FullBatch.LossAndGradient(model.Model, parameters, model.Data.Train);
        // An L-BFGS evaluation is one full-batch step over the partition.
        TagList tags = OrleansMLTelemetry.Tags(assignment.JobId, assignment.Mode, OrleansMLTelemetry.WorkerRole);
        OrleansMLTelemetry.StepCounter.Add(1, in tags);
        OrleansMLTelemetry.RowCounter.Add(model.Data.Train.Count, in tags);
        return result;
    }

    public async Task RetireAsync()
    {
        if (localMoments.State is { Saved.Count: > 0 })
        {
            await localMoments.ClearStateAsync();
        }

        DeactivateOnIdle();
    }

    private async Task<WorkerModel> EnsureLoadedAsync(WorkerAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (_model is not null && _model.Serves(assignment))
        {
            return _model;
        }

        WorkerData data = _model is not null && _model.Data.Key == WorkerData.KeyOf(assignment)
            ? _model.Data
            : await LoadDataAsync(assignment);
        _model = new WorkerModel(assignment, data);
        return _model;
    }

    private async Task<WorkerData> LoadDataAsync(WorkerAssignment assignment)
    {
        long started = time.GetTimestamp();
        // Reading and checking partitions is disk and CPU work: keep it off the activation's turn thread.
        WorkerData data;
        try
        {
            data = await Task.Run(() => WorkerData.LoadAsync(assignment, blobStore));
        }
        catch (BlobStoreException e) when (e is not BlobNotFoundException)
        {
            // The store may answer a retry, so not TrainingDataException; its own type does not cross the wire.
            throw new InvalidOperationException($"worker {assignment.WorkerIndex} of job '{assignment.JobId}' could not read its data from the blob store: {e.Message}");
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            // Typed for the coordinator (a retry reads the same data); the message names the file and the place.
            throw new TrainingDataException($"worker {assignment.WorkerIndex} of job '{assignment.JobId}' could not load its data: {e.Message}");
        }

        double milliseconds = time.GetElapsedTime(started).TotalMilliseconds;
        LogLoaded(logger, assignment.JobId, assignment.WorkerIndex, assignment.WorkerCount, data.Train.Count, data.Test?.Count ?? 0, milliseconds);
        return data;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} worker {Worker} resumes model averaging at step {Step} with fresh local optimizer moments (saved moments are for steps [{SavedSteps}]): the replay is close, not exact")]
    private static partial void LogFreshMoments(ILogger logger, string jobId, int worker, long step, string savedSteps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} worker {Worker}/{Workers} loaded {TrainRows} training and {TestRows} held-out rows in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string jobId, int worker, int workers, int trainRows, int testRows, double milliseconds);
}
