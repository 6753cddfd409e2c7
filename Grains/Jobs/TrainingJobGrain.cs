using Orleans.Concurrency;
using Orleans.Runtime;
using OrleansML.Grains.Checkpoints;
using OrleansML.Grains.Transfer;

namespace OrleansML.Grains.Jobs;

/// <summary>
/// See <see cref="ITrainingJobGrain"/>. The driver runs as a background task on the grain's own scheduler, so it
/// and the client calls (the grain is reentrant: long polls must not block control calls) never run at once.
/// The record is written before every decision other grains may observe; the reminder brings the job back on
/// another silo when its silo dies, and any call does so sooner.
/// </summary>
[Reentrant]
#pragma warning disable CA1001 // the driver's token source is cancelled on deactivation; the grain has no dispose hook and the source holds no unmanaged resource.
public sealed partial class TrainingJobGrain(
    [PersistentState("job", "Default")] IPersistentState<JobRecord> state,
    [PersistentState("lbfgs", "Default")] IPersistentState<LbfgsCheckpoint> lbfgsState,
    IBlobStore blobStore,
    IOptions<TrainingJobOptions> options,
    IOptions<TransferOptions> transfer,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    IClusterManifestProvider manifests,
    TimeProvider time,
    ILogger<TrainingJobGrain> logger) : Grain, ITrainingJobGrain, IRemindable, IJobHost
#pragma warning restore CA1001
{
    private const string ReminderName = "training-job";
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _driverCancellation;
    private Task? _driver;
    private double _epochProgress;
    private readonly CheckpointBlobs _lbfgsBlobs = new(blobStore, logger);

    string IJobHost.JobId => this.GetPrimaryKeyString();

    JobRecord IJobHost.Record => state.State;

    IGrainFactory IJobHost.Grains => GrainFactory;

    IReadOnlyList<SiloAddress> IJobHost.ActiveSilos
    {
        get
        {
            // Placement picks from the silos the cluster manifest says host the grain type, and the manifest learns
            // of a joining silo a moment after membership does: a silo counted before then would get no worker.
            GrainType workers = GrainFactory.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(this.GetPrimaryKeyString(), 0)).GetGrainId().Type;
            GrainType shards = GrainFactory.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(this.GetPrimaryKeyString(), 0)).GetGrainId().Type;
            var hosting = manifests.Current.Silos;
            return [.. membership.CurrentSnapshot.Members.Values
                .Where(m => m.Status == SiloStatus.Active
                    && hosting.TryGetValue(m.SiloAddress, out var manifest)
                    && manifest.Grains.ContainsKey(workers) && manifest.Grains.ContainsKey(shards))
                .Select(m => m.SiloAddress)];
        }
    }

    TrainingJobOptions IJobHost.Options => options.Value;

    TimeProvider IJobHost.Time => time;

    TransferOptions IJobHost.Transfer => transfer.Value;

    IBlobStore IJobHost.BlobStore => blobStore;

    ILogger IJobHost.Logger => logger;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        JobRecord record = state.State;
        if (record.Spec is not null && !record.IsFinal && !(record.State == JobState.Paused))
        {
            // The previous coordinator died mid-job: carry on from the persisted epoch.
            LogResuming(logger, this.GetPrimaryKeyString(), record.EpochsCompleted, silo.Name);
            StartDriver(resumed: true);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_driverCancellation is not null)
        {
            await _driverCancellation.CancelAsync();
        }
    }

    public async Task<JobStatus> StartAsync(TrainingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string jobId = this.GetPrimaryKeyString();
        if (spec.JobId is not null && spec.JobId != jobId)
        {
            throw new TrainingSpecException("jobId", $"'{spec.JobId}' does not match the job grain '{jobId}'.");
        }

        spec = spec with { JobId = jobId };
        if (state.State.Spec is TrainingSpec existing)
        {
            // Record equality reaches ModelSpec's own, which compares the hidden layers element by element.
            if (existing != spec)
            {
                throw new TrainingSpecException("jobId", $"job '{jobId}' already exists with a different spec.");
            }

            return Snapshot();
        }

        await TrainingSpecValidator.ValidateAsync(spec, blobStore);
        TransferLimits.CheckJob(spec, transfer.Value);
        state.State = new JobRecord { Spec = spec, State = JobState.Pending, StartedUtc = time.GetUtcNow() };
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(ReminderName, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        string mode = spec.Mode.ToString();
        LogStarted(logger, jobId, mode, spec.Workers, spec.Shards, spec.Epochs);
        StartDriver(resumed: false);
        ((IJobHost)this).Publish();
        return Snapshot();
    }

    public async Task<JobStatus> PauseAsync()
    {
        RequireStarted();
        if (!state.State.IsFinal)
        {
            state.State.PauseRequested = true;
            await state.WriteStateAsync();
            ((IJobHost)this).Publish();
        }

        return Snapshot();
    }

    public async Task<JobStatus> ResumeAsync()
    {
        RequireStarted();
        JobRecord record = state.State;
        if (!record.IsFinal && (record.PauseRequested || record.State == JobState.Paused))
        {
            record.PauseRequested = false;
            if (record.State == JobState.Paused)
            {
                record.State = JobState.Running;
            }

            await state.WriteStateAsync();
            _resumed.TrySetResult();
            if (_driver is null || _driver.IsCompleted)
            {
                StartDriver(resumed: true);
            }

            ((IJobHost)this).Publish();
        }

        return Snapshot();
    }

    public async Task<JobStatus> CancelAsync()
    {
        RequireStarted();
        if (!state.State.IsFinal)
        {
            if (_driverCancellation is not null)
            {
                await _driverCancellation.CancelAsync();
            }

            await FinishAsync(JobState.Cancelled, "cancelled by a client");
            await AbortShardsQuietlyAsync();
        }

        return Snapshot();
    }

    /// <summary>Fails the shards' pending pulls and refuses the running attempt's pushes, so that workers of a
    /// cancelled job stop at their next shard call instead of finishing their run slices. Best effort: a shard
    /// that cannot be reached has nothing running.</summary>
    private async Task AbortShardsQuietlyAsync()
    {
        JobRecord record = state.State;
        if (!record.Initialized || record.Spec is not TrainingSpec spec)
        {
            return;
        }

        string jobId = this.GetPrimaryKeyString();
        foreach (int shard in Enumerable.Range(0, spec.Shards))
        {
            try
            {
                await GrainFactory.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(jobId, shard, record.ShardGeneration)).AbortAsync("the job was cancelled");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, jobId, $"cancel could not reach shard {shard}: {e.Message}");
            }
        }
    }

    public Task<JobStatus> GetStatusAsync()
    {
        RequireStarted();
        EnsureDriverIfRunning();
        return Task.FromResult(Snapshot());
    }

    public async Task<JobStatus> WatchAsync(long afterRevision, TimeSpan maximumWait)
    {
        RequireStarted();
        EnsureDriverIfRunning();
        if (state.State.Revision <= afterRevision && !state.State.IsFinal && maximumWait > TimeSpan.Zero)
        {
            TimeSpan wait = maximumWait < TimeSpan.FromMinutes(1) ? maximumWait : TimeSpan.FromMinutes(1);
            await Task.WhenAny(_changed.Task, Task.Delay(wait, time));
        }

        return Snapshot();
    }

    public Task<TrainingSpec?> GetSpecAsync() => Task.FromResult(state.State.Spec);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Spec is null || state.State.IsFinal)
        {
            await UnregisterReminderAsync(ReminderName);
            return;
        }

        EnsureDriverIfRunning();
    }

    private async Task UnregisterReminderAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
