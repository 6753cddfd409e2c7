using Microsoft.Extensions.DependencyInjection;
using OrleansML.GrainInterfaces;
using OrleansML.Grains.Jobs;
using OrleansML.Grains.Shards;
using OrleansML.Jobs;
using OrleansML.Runtime;
using OrleansML.Runtime.Testing;
using OrleansML.Training.Tests.TestSupport;

namespace OrleansML.Training.Tests.Faults;

/// <summary>
/// Clusters and waits for the fault tests. Coordinator settings are short so that recovery fits a test: the
/// reminder fires every second (the test cluster's minimum); a failed attempt is retried after 0.5 s, doubling up
/// to 2 s (the default five retries span 7.5 s, more than the 3.5 s the test membership takes to declare a killed
/// silo dead); workers report every 0.5 s; a pull waits at most 5 s (below the test cluster's 10 s call timeout).
/// </summary>
internal static class FaultCluster
{
    /// <summary>Longest any job of these tests may take, failures and recovery included.</summary>
    public static readonly TimeSpan JobDeadline = TimeSpan.FromSeconds(60);

    public static Task<TestCluster> DeployAsync(int silos) => TrainingClusters.DeployAsync(silos, options =>
    {
        options.ConfigureSilo = (_, services) =>
        {
            services.Configure<TrainingJobOptions>(o =>
            {
                o.ReminderPeriod = TimeSpan.FromSeconds(1);
                o.RetryDelay = TimeSpan.FromMilliseconds(500);
                o.MaxRetryDelay = TimeSpan.FromSeconds(2);
                o.WorkerRunSlice = TimeSpan.FromMilliseconds(500);
            });
            services.Configure<ParameterShardOptions>(o => o.PullWaitTimeout = TimeSpan.FromSeconds(5));
        };
    });

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

    /// <summary>Pins the job's coordinator, shards and workers (index order) to the given silos.</summary>
    public static void Pin(TestCluster cluster, TrainingSpec spec, TestSilo coordinator, TestSilo[] shards, TestSilo[] workers)
    {
        IGrainFactory grains = cluster.Client;
        cluster.PinGrain((IAddressable)grains.GetGrain<ITrainingJobGrain>(spec.JobId!), coordinator);
        for (int i = 0; i < shards.Length; i++)
        {
            cluster.PinGrain((IAddressable)grains.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, i)), shards[i]);
        }

        for (int i = 0; i < workers.Length; i++)
        {
            cluster.PinGrain((IAddressable)grains.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(spec.JobId!, i)), workers[i]);
        }
    }

    /// <summary>Polls the job (long polls of at most 1 s) until <paramref name="condition"/> holds or the job is
    /// final; calls that fail while a silo dies are retried. Fails with the last status at the deadline.</summary>
    public static async Task<JobStatus> WaitAsync(IGrainFactory grains, string jobId, Func<JobStatus, bool> condition, TimeSpan? limit = null, ICollection<string>? reasons = null)
    {
        ITrainingJobGrain job = grains.GetGrain<ITrainingJobGrain>(jobId);
        DateTime deadline = DateTime.UtcNow + (limit ?? JobDeadline);
        JobStatus? last = null;
        string? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = last is null ? await job.GetStatusAsync() : await job.WatchAsync(last.Revision, TimeSpan.FromSeconds(1));
                lastError = null;
                if (reasons is not null && last.FailureReason is string reason && !reasons.Contains(reason))
                {
                    reasons.Add(reason);
                }

                if (condition(last) || last.IsFinal)
                {
                    return last;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The coordinator's silo may be dying: the next call reaches (or activates) it elsewhere.
                lastError = $"{e.GetType().Name}: {e.Message}";
                last = null;
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"job {jobId} did not get there within {limit ?? JobDeadline}; last status: {Describe(last)}; last error: {lastError}");
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

    /// <summary>The silo's configured name (the test cluster names silos by instance number).</summary>
    public static string NameOf(TestSilo silo) => $"silo-{silo.InstanceNumber}";

    public static string Describe(JobStatus? status) => status is null
        ? "(none)"
        : $"{status.State} epochs {status.EpochsCompleted}/{status.EpochsPlanned} progress {status.EpochProgress:F2} retries {status.Retries} workers {status.Workers} coordinator {status.CoordinatorSilo} reason '{status.FailureReason}'";
}
