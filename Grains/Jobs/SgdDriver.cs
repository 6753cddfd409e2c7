using OrleansML.Grains.Diagnostics;
using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Grains.Jobs;

/// <summary>
/// Drives the mini-batch modes (BSP, ASP, SSP, model averaging) epoch by epoch. An epoch runs as attempts: each
/// takes a fresh attempt token, rolls every shard back to one common checkpoint when anything may have moved
/// them (a retry, a resumed coordinator, a rebalance), and lets every worker run its steps. Any failure (a silo
/// died, a pull timed out, a shard refused) aborts the attempt; the next one starts from the common checkpoint,
/// up to <see cref="TrainingSpec.MaxEpochRetries"/> times, after which the job fails with the reason.
/// </summary>
internal sealed partial class SgdDriver(IJobHost host)
{
    private readonly JobRecord _record = host.Record;

    public async Task RunAsync(bool resumed, CancellationToken cancellationToken)
    {
        DatasetManifest train = await DatasetReference.Parse(_record.Spec!.Data.TrainManifest).OpenManifestAsync(host.BlobStore, cancellationToken);
        TrainingSpec spec = JobSteps.Resolve(_record.Spec!, train);
        var group = new JobGroup(host.Grains, host.JobId, spec, spec.Model.Create().ParameterCount, _record.WorkerGeneration, _record.ShardGeneration, host.Transfer.FloatsPerMessage);
        bool needsRestore = resumed;
        if (!_record.Initialized)
        {
            (int workers, List<string> silos) = JobSteps.ChooseWorkers(host.ActiveSilos, spec, train.Partitions.Count);
            _record.StepsPerEpoch = JobSteps.StepsPerEpoch(spec, train);
            _record.Workers = workers;
            _record.Silos = silos;
            await WithRetriesAsync("configuring the shards", async () =>
            {
                await group.ConfigureShardsAsync(workers);
                await group.CheckpointAsync(0);
                return true;
            }, cancellationToken);
            _record.Initialized = true;
            _record.State = JobState.Running;
            await host.SaveAsync();
            host.Publish();
            needsRestore = false;
        }

        if (resumed && _record.ShardGeneration > 0)
        {
            // The coordinator before this one may have died between saving a rebalance and discarding the shards
            // it superseded: their storage would otherwise stay behind. Discarding is idempotent.
            int discarded = 0;
            for (int generation = 0; generation < _record.ShardGeneration; generation++)
            {
                discarded += await group.DiscardQuietlyAsync(generation);
            }

            LogDiscardedOnResume(host.Logger, host.JobId, _record.ShardGeneration, discarded);
        }

        while (_record.EpochsCompleted < spec.Epochs)
        {
            await host.WaitWhilePausedAsync(cancellationToken);
            if (_record.PauseRequested)
            {
                await host.EnterPauseAsync();
                continue;
            }

            needsRestore |= await RebalanceIfNeededAsync(group, spec, train.Partitions.Count, cancellationToken);
            EpochMetrics metrics = await RunEpochWithRetriesAsync(group, spec, needsRestore, cancellationToken);
            needsRestore = false;
            (long late, long duplicates) = await WithRetriesAsync("reading the shards' counters", group.PushCountersAsync, cancellationToken);
            // A cancel may have made the record final while the epoch ran: it must not change after that.
            cancellationToken.ThrowIfCancellationRequested();
            (_record.LatePushes, _record.DuplicatePushes) = (late, duplicates);
            _record.History.Add(metrics);
            _record.EpochsCompleted = metrics.Epoch;
            _record.CheckpointStep = (long)metrics.Epoch * _record.StepsPerEpoch;
            _record.FailureReason = null;
            bool stopEarly = JobSteps.ShouldStopEarly(_record, metrics, spec.EarlyStoppingPatience);
            string? target = JobSteps.TargetReached(spec, metrics);
            _record.StopReason = target
                ?? (stopEarly ? $"stopped early at epoch {metrics.Epoch}: no better held-out loss in {spec.EarlyStoppingPatience} epochs" : null);
            await host.SaveAsync();
            host.Publish();
            LogEpoch(host.Logger, host.JobId, metrics.Epoch, metrics.TrainLoss, metrics.TestAccuracy ?? double.NaN, metrics.Seconds);
            if (target is not null)
            {
                LogTargetReached(host.Logger, host.JobId, target);
                break;
            }

            if (stopEarly)
            {
                LogEarlyStop(host.Logger, host.JobId, metrics.Epoch, spec.EarlyStoppingPatience);
                break;
            }
        }

        float[] model = await WithRetriesAsync("reading the model", group.ReadModelAsync, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        await WithRetriesAsync("saving the model", async () =>
        {
            await JobSteps.SaveModelAsync(host, spec.Model, model);
            return true;
        }, cancellationToken);
    }

    private Task<T> WithRetriesAsync<T>(string what, Func<Task<T>> step, CancellationToken cancellationToken) =>
        JobRetries.RunAsync(host, what, step, cancellationToken);

    /// <summary>
    /// When the worker count or the active silos changed, moves the job onto the current silos at this epoch
    /// boundary. Both moves make new grains, which the runtime places over the silos active now: a new shard
    /// generation takes over the checkpoint the next attempt starts from (each new shard reads its old
    /// counterpart's checkpoint directly, so parameters, optimizer state and version continue exactly), and a new
    /// worker generation replaces the workers. The record names both before the old shards are discarded: a
    /// coordinator that dies before that save redoes the hand-off from the old generation, which is still whole.
    /// </summary>
    private async Task<bool> RebalanceIfNeededAsync(JobGroup group, TrainingSpec spec, int partitions, CancellationToken cancellationToken)
    {
        if (!spec.Elastic)
        {
            return false;
        }

        (int workers, List<string> silos) = JobSteps.ChooseWorkers(host.ActiveSilos, spec, partitions);
        if (workers == _record.Workers && silos.SequenceEqual(_record.Silos))
        {
            return false;
        }

        int oldShards = _record.ShardGeneration;
        Debug.Assert(group.ShardGeneration == oldShards, "the group addresses the record's shards");
        LogRebalance(host.Logger, host.JobId, _record.Workers, workers, silos.Count, oldShards + 1);
        // The epoch's checkpoint, or a newer one every shard holds (a resumed coordinator's partial attempt).
        long checkpoint = await WithRetriesAsync("finding the checkpoint to hand off", () => group.CommonCheckpointAsync(_record.CheckpointStep), cancellationToken);
        group.ShardGeneration = oldShards + 1;
        await WithRetriesAsync("handing the shards to their new silos", async () =>
        {
            await group.HandOffAsync(oldShards, checkpoint, workers);
            return true;
        }, cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, _record.Workers).Select(i => RetireQuietlyAsync(group.Worker(i).RetireAsync())));
        _record.Workers = workers;
        _record.Silos = silos;
        _record.WorkerGeneration++;
        _record.ShardGeneration = group.ShardGeneration;
        group.WorkerGeneration = _record.WorkerGeneration;
        await host.SaveAsync();
        int discarded = await group.DiscardQuietlyAsync(oldShards);
        LogHandedOff(host.Logger, host.JobId, checkpoint, _record.ShardGeneration, discarded, spec.Shards);
        return true;
    }

    private Task<EpochMetrics> RunEpochWithRetriesAsync(JobGroup group, TrainingSpec spec, bool needsRestore, CancellationToken cancellationToken)
    {
        int epoch = _record.EpochsCompleted + 1;
        long attempt = 0;
        return JobRetries.RunAsync(
            host,
            $"epoch {epoch}",
            async attemptNumber =>
            {
                attempt = ++_record.Attempt;
                await host.SaveAsync();
                // A retry starts from the newest checkpoint every shard holds.
                return await RunAttemptAsync(group, spec, epoch, attempt, attemptNumber, needsRestore || attemptNumber > 1, cancellationToken);
            },
            cancellationToken,
            _ => group.AbortAsync($"attempt {attempt} failed"));
    }

    private async Task<EpochMetrics> RunAttemptAsync(JobGroup group, TrainingSpec spec, int epoch, long attempt, int attemptNumber, bool needsRestore, CancellationToken cancellationToken)
    {
        using Activity? span = OrleansMLTelemetry.ActivitySource.StartActivity(OrleansMLTelemetry.EpochSpan);
        span?.SetTag(OrleansMLTelemetry.JobTag, host.JobId).SetTag("orleansml.epoch", epoch).SetTag("orleansml.attempt", attemptNumber);
        int workers = _record.Workers;
        int steps = _record.StepsPerEpoch;
        await group.ConfigureShardsAsync(workers);
        long firstStep = _record.CheckpointStep;
        long epochEnd = (long)epoch * steps;
        if (needsRestore)
        {
            firstStep = await group.CommonCheckpointAsync(_record.CheckpointStep, preferBefore: epochEnd);
            await group.RestoreAsync(firstStep);
        }

        await group.BeginAsync(attempt);
        WorkerAssignment[] assignments = [.. Enumerable.Range(0, workers).Select(i => group.WorkerAssignment(i, workers, steps, host.Options.WorkerRunSlice))];
        Debug.Assert(firstStep >= epochEnd - steps && firstStep <= epochEnd, "an attempt starts inside its epoch");
        // Workers read their partitions before the clock starts: an epoch's time and examples/s measure training.
        await Task.WhenAll(assignments.Select((a, i) => group.Worker(i).LoadAsync(a)));
        long started = host.Time.GetTimestamp();
        var progress = new EpochProgress(workers, firstStep, epochEnd);
        Task<WorkerEpochResult>[] running = [.. assignments.Select((a, i) => RunWorkerAsync(group.Worker(i), a, i, attempt, epoch, firstStep, epochEnd, progress, cancellationToken))];
        WorkerEpochResult[] results = await AttemptFailures.WhenAllOrFirstFailureAsync(
            running, cause => group.AbortAsync($"attempt {attempt} failed: {JobRetries.Describe(cause)}"), cancellationToken);
        double seconds = host.Time.GetElapsedTime(started).TotalSeconds;
        long checkpointStarted = host.Time.GetTimestamp();
        await group.CheckpointAsync(epochEnd);
        OrleansMLTelemetry.CheckpointHistogram.Record(
            host.Time.GetElapsedTime(checkpointStarted).TotalSeconds, OrleansMLTelemetry.Tags(host.JobId, spec.Mode, OrleansMLTelemetry.CoordinatorRole));
        long trained = results.Sum(r => r.Rows);
        // No rows: every step of the epoch had run before a coordinator failover, and the shards restored its end.
        // Its loss is then the loss at that end, over the same rows, rather than an unknown.
        WorkerEpochResult[] lossResults = trained > 0 ? results
            : await Task.WhenAll(assignments.Select((a, i) => group.Worker(i).ComputeTrainingLossAsync(a, attempt)));
        var metrics = new EpochMetrics
        {
            Epoch = epoch,
            TrainLoss = lossResults.Sum(r => r.Rows) > 0 ? lossResults.Sum(r => r.LossSum) / lossResults.Sum(r => r.Rows) : double.NaN,
            Examples = trained,
            Seconds = seconds,
            Workers = workers,
            Attempts = attemptNumber,
            ComputeSeconds = results.Average(r => r.ComputeSeconds),
            CommunicationSeconds = results.Average(r => r.CommunicationSeconds),
        };
        return JobSteps.WithTest(metrics, await JobSteps.EvaluateAsync(group, assignments, attempt));
    }

    /// <summary>Calls one worker slice after slice until it reaches the epoch's end, summing its results.</summary>
    private async Task<WorkerEpochResult> RunWorkerAsync(IPartitionWorkerGrain worker, WorkerAssignment assignment, int index, long attempt, int epoch, long firstStep, long epochEnd, EpochProgress progress, CancellationToken cancellationToken)
    {
        WorkerEpochResult total = new() { NextStep = firstStep };
        while (total.NextStep < epochEnd)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WorkerEpochResult slice = await worker.RunEpochAsync(assignment, attempt, epoch, total.NextStep);
            if (slice.NextStep <= total.NextStep)
            {
                throw new InvalidOperationException($"Worker {index} made no progress at step {total.NextStep}.");
            }

            total = new WorkerEpochResult
            {
                LossSum = total.LossSum + slice.LossSum,
                Rows = total.Rows + slice.Rows,
                Steps = total.Steps + slice.Steps,
                Seconds = total.Seconds + slice.Seconds,
                ComputeSeconds = total.ComputeSeconds + slice.ComputeSeconds,
                CommunicationSeconds = total.CommunicationSeconds + slice.CommunicationSeconds,
                LatePushes = total.LatePushes + slice.LatePushes,
                Silo = slice.Silo,
                NextStep = slice.NextStep,
            };
            host.Publish(progress.Report(index, slice.NextStep));
        }

        return total;
    }

    private static async Task RetireQuietlyAsync(Task retire)
    {
        try
        {
            await retire;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A grain that cannot be reached is not active anywhere that matters: its next call places it anew.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} epoch {Epoch}: train loss {TrainLoss:F5}, test accuracy {TestAccuracy:F4}, {Seconds:F2} s")]
    private static partial void LogEpoch(ILogger logger, string jobId, int epoch, double trainLoss, double testAccuracy, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} rebalances: {OldWorkers} -> {NewWorkers} workers over {Silos} silos, shards move to generation {Generation}")]
    private static partial void LogRebalance(ILogger logger, string jobId, int oldWorkers, int newWorkers, int silos, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: shard generation {Generation} took over checkpoint {Checkpoint}; {Discarded} of {Shards} old shards discarded")]
    private static partial void LogHandedOff(ILogger logger, string jobId, long checkpoint, int generation, int discarded, int shards);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} resumed with shard generation {Generation}: cleared {Discarded} shards of older generations")]
    private static partial void LogDiscardedOnResume(ILogger logger, string jobId, int generation, int discarded);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} stops early after epoch {Epoch}: no better held-out loss in {Patience} epochs")]
    private static partial void LogEarlyStop(ILogger logger, string jobId, int epoch, int patience);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} stops: {Reason}")]
    private static partial void LogTargetReached(ILogger logger, string jobId, string reason);
}
