using OrleansML.Learning.Models.Files;
using OrleansML.Models;

namespace OrleansML.Training.Tests.TestSupport;

/// <summary>Runs a job on a cluster to its end and fetches what it produced.</summary>
internal static class JobRuns
{
    /// <summary>Starts <paramref name="spec"/> and watches it until it is final or <paramref name="timeout"/>
    /// passes (then the job is cancelled and the last status returned, which the caller's assertion reports).</summary>
    public static async Task<JobStatus> RunAsync(IGrainFactory grains, TrainingSpec spec, TimeSpan timeout)
    {
        ITrainingJobGrain job = grains.GetGrain<ITrainingJobGrain>(spec.JobId ?? throw new ArgumentException("the spec needs a job id.", nameof(spec)));
        JobStatus status = await job.StartAsync(spec);
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!status.IsFinal && DateTime.UtcNow < deadline)
        {
            status = await job.WatchAsync(status.Revision, TimeSpan.FromSeconds(5));
        }

        if (!status.IsFinal)
        {
            await job.CancelAsync();
        }

        return status;
    }

    /// <summary>Runs the job, asserts that it completed, and downloads the saved model's parameters.</summary>
    public static async Task<(JobStatus Status, float[] Parameters)> RunToModelAsync(IGrainFactory grains, TrainingSpec spec, TimeSpan timeout)
    {
        JobStatus status = await RunAsync(grains, spec, timeout);
        Assert.True(status.State == JobState.Completed, $"job {spec.JobId} ended {status.State} (epochs {status.EpochsCompleted}/{status.EpochsPlanned}): {status.FailureReason}");
        SavedModel saved = await DownloadAsync(grains, status);
        Assert.Equal(spec.Model, saved.Header.Model);
        return (status, saved.Parameters);
    }

    /// <summary>The model a completed job saved, from the registry.</summary>
    public static async Task<SavedModel> DownloadAsync(IGrainFactory grains, JobStatus status)
    {
        Assert.NotNull(status.ModelName);
        Assert.NotNull(status.ModelVersion);
        byte[] file = await grains.GetGrain<IModelRegistryGrain>(status.ModelName).DownloadAsync(status.ModelVersion.Value);
        return ModelFile.Deserialize(file, $"{status.ModelName} v{status.ModelVersion}");
    }

    /// <summary>The shards' statistics of a finished job.</summary>
    public static Task<ShardStats[]> ShardStatsAsync(IGrainFactory grains, TrainingSpec spec) => ShardStatsAsync(grains, spec.JobId!, spec.Shards);

    /// <summary>The statistics of the <paramref name="shards"/> shards of job <paramref name="jobId"/> (of placement
    /// generation <paramref name="generation"/>: 0 until an elastic rebalance).</summary>
    public static Task<ShardStats[]> ShardStatsAsync(IGrainFactory grains, string jobId, int shards, int generation = 0) =>
        Task.WhenAll(Enumerable.Range(0, shards).Select(i => grains.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(jobId, i, generation)).GetStatsAsync()));

    /// <summary>Training examples per second over all epochs of a job.</summary>
    public static double ExamplesPerSecond(JobStatus status) =>
        status.History.Sum(e => (double)e.Examples) / Math.Max(1e-9, status.History.Sum(e => e.Seconds));

    /// <summary>A fresh job id with a readable prefix.</summary>
    public static string NewJobId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
