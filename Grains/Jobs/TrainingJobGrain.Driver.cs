using OrleansML.Grains.Diagnostics;
using OrleansML.Grains.Checkpoints;

namespace OrleansML.Grains.Jobs;

/// <summary>The coordinator's driver lifecycle, status snapshots and the <see cref="IJobHost"/> members.</summary>
public sealed partial class TrainingJobGrain
{
    async Task IJobHost.SaveAsync() => await state.WriteStateAsync();

    async Task<byte[]> IJobHost.LbfgsStateAfterAsync(int round, CancellationToken cancellationToken) =>
        lbfgsState.State.After(round) is BlobReference blob ? await _lbfgsBlobs.ReadAsync(blob, cancellationToken) : [];

    async Task IJobHost.SaveLbfgsStateAsync(int round, byte[] bytes)
    {
        string folder = $"checkpoints/{CheckpointBlobs.Segment(this.GetPrimaryKeyString())}/lbfgs";
        BlobReference blob = await _lbfgsBlobs.WriteAsync(folder, round.ToString("D6", CultureInfo.InvariantCulture), ".omlb", bytes);
        LbfgsCheckpoint previous = lbfgsState.State;
        lbfgsState.State = previous.With(round, blob);
        try
        {
            await lbfgsState.WriteStateAsync();
        }
        catch
        {
            // The blob stays (the write may have landed): garbage at worst, never a reference without its blob.
            lbfgsState.State = previous;
            throw;
        }

        HashSet<string> kept = [.. lbfgsState.State.Blobs.Select(b => b.Name)];
        await _lbfgsBlobs.DeleteQuietlyAsync(previous.Blobs.Where(b => !kept.Contains(b.Name)), $"Job {this.GetPrimaryKeyString()}");
    }

    void IJobHost.Publish(double epochProgress)
    {
        _epochProgress = epochProgress;
        state.State.Revision++;
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    async Task IJobHost.WaitWhilePausedAsync(CancellationToken cancellationToken)
    {
        while (state.State.State == JobState.Paused)
        {
            await _resumed.Task.WaitAsync(cancellationToken);
            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    async Task IJobHost.EnterPauseAsync()
    {
        state.State.State = JobState.Paused;
        state.State.PauseRequested = false;
        await state.WriteStateAsync();
        ((IJobHost)this).Publish();
        string jobId = this.GetPrimaryKeyString();
        LogPaused(logger, jobId, state.State.EpochsCompleted);
    }

    private void EnsureDriverIfRunning()
    {
        JobRecord record = state.State;
        if (record.Spec is not null && !record.IsFinal && record.State != JobState.Paused && (_driver is null || _driver.IsCompleted))
        {
            StartDriver(resumed: true);
        }
    }

    private void StartDriver(bool resumed)
    {
        _driverCancellation?.Dispose();
        _driverCancellation = new CancellationTokenSource();
        _driver = DriveAsync(resumed, _driverCancellation.Token);
    }

    private async Task DriveAsync(bool resumed, CancellationToken cancellationToken)
    {
        // Yield first so the call that started the driver answers at once.
        await Task.Yield();
        JobRecord record = state.State;
        // The job's trace starts here, linked to the call that started or resumed it (which returned long ago): as
        // that call's child it would share its sampling decision, and a dropped Orleans call span would drop the job.
        Activity? caller = Activity.Current;
        Activity.Current = null;
        using Activity? span = OrleansMLTelemetry.ActivitySource.StartActivity(
            OrleansMLTelemetry.JobSpan, ActivityKind.Internal, default(ActivityContext), links: caller is null ? null : [new ActivityLink(caller.Context)]);
        span?.SetTag(OrleansMLTelemetry.JobTag, this.GetPrimaryKeyString()).SetTag(OrleansMLTelemetry.ModeTag, OrleansMLTelemetry.ModeName(record.Spec!.Mode))
            .SetTag("orleansml.resumed", resumed);
        try
        {
            if (record.Spec!.Mode == ConsistencyMode.Lbfgs)
            {
                await new LbfgsDriver(this).RunAsync(cancellationToken);
            }
            else
            {
                await new SgdDriver(this).RunAsync(resumed, cancellationToken);
            }

            await FinishAsync(JobState.Completed, null);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled by a client (the state says so) or the grain is deactivating (the reminder resumes it);
            // whatever failed after that (e.g. a worker refused by an aborted shard) is its consequence.
        }
        catch (Exception e) when (AttemptFailures.IsStaleCoordinator(e))
        {
            // Another activation wrote the record since this one read it (a duplicate during a membership change,
            // or this silo was declared dead). Writing anything more would be fenced too: deactivate, so the next
            // call or reminder reloads the newer record instead of driving from this stale copy forever.
            LogStale(logger, this.GetPrimaryKeyString(), JobRetries.Describe(e));
            DeactivateOnIdle();
        }
        catch (Exception e)
        {
            string reason = e is JobFailedException ? e.Message : JobRetries.Describe(e);
            LogFailed(logger, this.GetPrimaryKeyString(), reason);
            try
            {
                await FinishAsync(JobState.Failed, reason);
            }
            catch (Exception writeFailure)
            {
                // The record could not be written (storage down, or a newer coordinator owns it): deactivate so
                // that the reminder brings the job back from the persisted record, not from this copy.
                LogFailed(logger, this.GetPrimaryKeyString(), "the failure could not be recorded: " + writeFailure.Message);
                DeactivateOnIdle();
            }
        }
    }

    private async Task FinishAsync(JobState final, string? reason)
    {
        JobRecord record = state.State;
        if (record.IsFinal)
        {
            return;
        }

        record.State = final;
        record.FailureReason = reason;
        record.FinishedUtc = time.GetUtcNow();
        await state.WriteStateAsync();
        ((IJobHost)this).Publish(final == JobState.Completed ? 1 : _epochProgress);
        await UnregisterReminderAsync(ReminderName);
        string jobId = this.GetPrimaryKeyString();
        string finalName = final.ToString();
        LogFinished(logger, jobId, finalName, record.EpochsCompleted);
    }

    private void RequireStarted()
    {
        if (state.State.Spec is null)
        {
            throw new InvalidOperationException($"Job '{this.GetPrimaryKeyString()}' was never started.");
        }
    }

    private JobStatus Snapshot()
    {
        JobRecord record = state.State;
        TrainingSpec? spec = record.Spec;
        return new JobStatus
        {
            JobId = this.GetPrimaryKeyString(),
            State = record.State,
            Revision = record.Revision,
            EpochsCompleted = record.EpochsCompleted,
            EpochsPlanned = spec is null ? 0 : spec.Mode == ConsistencyMode.Lbfgs ? LbfgsDriver.PlannedEpochs(spec) : spec.Epochs,
            EpochProgress = record.IsFinal ? 0 : _epochProgress,
            FailureReason = record.FailureReason,
            StopReason = record.StopReason,
            History = [.. record.History],
            Workers = record.Workers,
            Shards = spec?.Shards ?? 0,
            ShardGeneration = record.ShardGeneration,
            WorkerGeneration = record.WorkerGeneration,
            Retries = record.Retries,
            LatePushesDropped = record.LatePushes,
            DuplicatePushesIgnored = record.DuplicatePushes,
            ModelName = record.ModelName,
            ModelVersion = record.ModelVersion,
            StartedUtc = record.StartedUtc,
            FinishedUtc = record.FinishedUtc,
            CoordinatorSilo = silo.Name,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} started: {Mode}, {Workers} workers, {Shards} shards, {Epochs} epochs")]
    private static partial void LogStarted(ILogger logger, string jobId, string mode, int workers, int shards, int epochs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} resumes after epoch {Epochs} on silo {Silo}")]
    private static partial void LogResuming(ILogger logger, string jobId, int epochs, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} paused after epoch {Epochs}")]
    private static partial void LogPaused(ILogger logger, string jobId, int epochs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: a newer coordinator owns the record ({Reason}); this activation deactivates")]
    private static partial void LogStale(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished: {State} after {Epochs} epochs")]
    private static partial void LogFinished(ILogger logger, string jobId, string state, int epochs);
}
