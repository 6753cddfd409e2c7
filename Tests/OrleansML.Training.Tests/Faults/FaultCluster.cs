using OrleansML.Tests.Shared;
using OrleansML.Workers;

namespace OrleansML.Training.Tests.Faults;

/// <summary>
/// Clusters and waits for the fault tests. Coordinator settings are short so that recovery fits a test: the
/// reminder fires every second; a failed attempt is retried after 0.5 s, doubling up to 2 s (the default five
/// retries span 7.5 s, far more than a killed test silo takes to be declared dead: it writes its own death);
/// workers report every 0.5 s; a pull waits at most 5 s.
/// </summary>
internal static class FaultCluster
{
    /// <summary>Longest any job of these tests may take, failures and recovery included.</summary>
    public static readonly TimeSpan JobDeadline = TimeSpan.FromSeconds(60);

    /// <summary>A cluster of <paramref name="silos"/> silos with the settings above and a <see cref="CallFreeze"/>
    /// (see <see cref="KillWithCallsInFlightAsync"/>).</summary>
    public static Task<InProcessTestCluster> DeployAsync(int silos)
    {
        var freeze = new CallFreeze();
        return TrainingClusters.DeployAsync(
            silos,
            jobs =>
            {
                jobs.ReminderPeriod = TimeSpan.FromSeconds(1);
                jobs.RetryDelay = TimeSpan.FromMilliseconds(500);
                jobs.MaxRetryDelay = TimeSpan.FromSeconds(2);
                jobs.WorkerRunSlice = TimeSpan.FromMilliseconds(500);
            },
            shards => shards.PullWaitTimeout = TimeSpan.FromSeconds(5),
            cluster => cluster.ConfigureSilo((options, silo) =>
            {
                silo.Services.AddSingleton(freeze);
                silo.AddIncomingGrainCallFilter(freeze.IncomingFilterFor(options.SiloName));
                silo.AddOutgoingGrainCallFilter(freeze.OutgoingFilterFor(options.SiloName));
            }));
    }

    /// <summary>
    /// Kills <paramref name="victim"/> while calls of job <paramref name="jobId"/> are in flight on it: the first call
    /// to or from one of the job's workers or shards there that is a push or pull of step (averaging: round)
    /// <paramref name="fromStep"/> or later (any call when null) is held (<see cref="CallFreeze"/>), the silo is
    /// killed, and the held calls are failed. The job must be running and must reach that step on the victim.
    /// </summary>
    public static async Task KillWithCallsInFlightAsync(InProcessTestCluster cluster, InProcessSiloHandle victim, string jobId, long? fromStep)
    {
        CallFreeze freeze = victim.ServiceProvider.GetRequiredService<CallFreeze>();
        try
        {
            await freeze.ArmAsync(victim, jobId, fromStep).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            freeze.Release();
            JobStatus status = await cluster.Client.GetGrain<ITrainingJobGrain>(jobId).GetStatusAsync();
            throw new TimeoutException($"job {jobId} made no call to {victim.Name} from step {fromStep} within 30 s, so it could not be killed mid-call: {Describe(status)}");
        }

        try
        {
            await cluster.KillSiloAsync(victim);
        }
        finally
        {
            freeze.Release();
        }
    }

    /// <summary>Training rows of <see cref="TrainingData.Logistic"/>'s default set after the test split.</summary>
    public const int TrainingRows = 3200;

    /// <summary>Logistic regression on 3,200 training rows in 4 partitions, 100 steps an epoch: a few seconds.</summary>
    public static TrainingSpec LogisticSpec(string train, string test, string prefix) => new()
    {
        JobId = prefix + "-" + Guid.NewGuid().ToString("N")[..6],
        Model = new Learning.Models.ModelSpec { Kind = Learning.Models.ModelKind.LogisticRegression, FeatureCount = 16 },
        Data = new DataSpec { TrainManifest = train, TestManifest = test },
        Optimizer = new Learning.Optimizers.OptimizerSettings { Kind = Learning.Optimizers.OptimizerKind.Sgd, LearningRate = 0.1f },
        Workers = 2,
        Shards = 2,
        Epochs = 8,
        BatchSize = 32,
        Elastic = false,
    };

    /// <summary>
    /// Activates the job's coordinator, shards and workers (index order, generation 0) on the given silos before the
    /// job starts, with calls that change nothing: the coordinator reads its (absent) spec, a shard its counters, a
    /// worker loads the share of the data the job will give it. Grains keep their silo until it dies.
    /// </summary>
    public static async Task PinAsync(InProcessTestCluster cluster, TrainingSpec spec, InProcessSiloHandle coordinator, InProcessSiloHandle[] shards, InProcessSiloHandle[] workers)
    {
        IGrainFactory grains = cluster.Client;
        string jobId = spec.JobId!;
        ITrainingJobGrain job = grains.GetGrain<ITrainingJobGrain>(jobId);
        await GrainPlacement.ActivateOnAsync(cluster, job, coordinator, job.GetSpecAsync);
        for (int i = 0; i < shards.Length; i++)
        {
            IParameterShardGrain shard = grains.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(jobId, i));
            await GrainPlacement.ActivateOnAsync(cluster, shard, shards[i], shard.GetStatsAsync);
        }

        for (int i = 0; i < workers.Length; i++)
        {
            IPartitionWorkerGrain worker = grains.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(jobId, i));
            WorkerAssignment assignment = JobWatch.PinningAssignment(spec, i, workers.Length);
            await GrainPlacement.ActivateOnAsync(cluster, worker, workers[i], () => worker.LoadAsync(assignment));
        }
    }

    /// <summary>The push step (model averaging: round) halfway through epoch <paramref name="epoch"/> (1-based) of a
    /// job on the fault tests' data (3,200 training rows); null for L-BFGS, which pushes nothing (hold any call).</summary>
    public static long? MidEpochStep(TrainingSpec spec, int epoch)
    {
        int steps = (TrainingRows + spec.BatchSize - 1) / spec.BatchSize;
        return spec.Mode switch
        {
            ConsistencyMode.Lbfgs => null,
            ConsistencyMode.ModelAveraging => MidEpoch((steps + spec.AveragingInterval - 1) / spec.AveragingInterval),
            _ => MidEpoch(steps),
        };

        long MidEpoch(int perEpoch) => ((long)(epoch - 1) * perEpoch) + (perEpoch / 2);
    }

    /// <summary>Polls the job until <paramref name="condition"/> holds or the job is final, retrying calls that fail
    /// while a silo dies (see <see cref="JobWatch.WaitAsync"/>); fails with the last status after <see cref="JobDeadline"/>.</summary>
    public static Task<JobStatus> WaitAsync(IGrainFactory grains, string jobId, Func<JobStatus, bool> condition, TimeSpan? limit = null, ICollection<string>? reasons = null) =>
        JobWatch.WaitAsync(grains, jobId, condition, limit ?? JobDeadline, reasons);

    /// <summary>Pauses the job and waits until it stops at an epoch boundary; fails if it ended first.</summary>
    public static async Task<JobStatus> PauseAsync(IGrainFactory grains, string jobId)
    {
        await grains.GetGrain<ITrainingJobGrain>(jobId).PauseAsync();
        JobStatus paused = await WaitAsync(grains, jobId, s => s.State == JobState.Paused, TimeSpan.FromSeconds(15));
        Assert.True(paused.State == JobState.Paused, $"the job did not pause: {Describe(paused)}");
        return paused;
    }

    /// <summary>
    /// Starts a silo and waits until every silo sees it active and knows its grain types (placement offers a silo
    /// only then). Call it while the job is paused: a join takes wall-clock time (membership, then the cluster
    /// manifest) that a job of these tests, a fraction of a second an epoch, could outrun entirely.
    /// </summary>
    public static async Task<InProcessSiloHandle> JoinSiloAsync(InProcessTestCluster cluster)
    {
        InProcessSiloHandle added = await cluster.StartAdditionalSiloAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        await cluster.WaitForClusterManifestToStabilizeAsync();
        return added;
    }

    public static Task<JobStatus> WaitForFinalAsync(IGrainFactory grains, string jobId, TimeSpan? limit = null, ICollection<string>? reasons = null) =>
        WaitAsync(grains, jobId, s => s.IsFinal, limit, reasons);

    /// <summary>Starts <paramref name="spec"/> and waits until it completes; returns its final status.</summary>
    public static async Task<JobStatus> RunToCompletionAsync(IGrainFactory grains, TrainingSpec spec)
    {
        await grains.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus final = await WaitForFinalAsync(grains, spec.JobId!);
        AssertCompleted(final, spec.Epochs);
        return final;
    }

    public static void AssertCompleted(JobStatus status, int epochs)
    {
        Assert.True(status.State == JobState.Completed, $"job {status.JobId} ended {status.State}: {status.FailureReason}");
        Assert.Equal(epochs, status.EpochsCompleted);
        Assert.Equal(epochs, status.History.Count);
        Assert.All(status.History, m => Assert.True(double.IsFinite(m.TrainLoss), $"epoch {m.Epoch} loss {m.TrainLoss}"));
    }

    public static double FinalAccuracy(JobStatus status) =>
        status.History[^1].TestAccuracy ?? throw new InvalidOperationException($"job {status.JobId} reported no test accuracy.");

    /// <summary>The silo's name, as <see cref="JobStatus.CoordinatorSilo"/> and <see cref="WorkerLoadInfo.Silo"/> report it.</summary>
    public static string NameOf(InProcessSiloHandle silo) => silo.Name;

    public static string Describe(JobStatus? status) => JobWatch.Describe(status);
}
