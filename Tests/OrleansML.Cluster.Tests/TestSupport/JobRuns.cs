using OrleansML.Jobs;
using OrleansML.Learning.Models;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Optimizers;
using OrleansML.Models;
using OrleansML.Shards;
using OrleansML.Tests.Shared;
using Xunit.Abstractions;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>The jobs the tests run, and driving them through <see cref="ITrainingJobGrain"/> from the client.</summary>
internal static class JobRuns
{
    /// <summary>BSP logistic regression: 2 workers, 2 shards, batches of 32 (100 steps an epoch on 3,200 rows).</summary>
    public static TrainingSpec Logistic(TrainingData data, string prefix, int epochs = 8) => new()
    {
        JobId = NewJobId(prefix),
        Model = new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = TrainingData.Features },
        Data = new DataSpec { TrainManifest = data.TrainManifest, TestManifest = data.TestManifest },
        Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.1f },
        Mode = ConsistencyMode.Bsp,
        Workers = 2,
        Shards = 2,
        Epochs = epochs,
        BatchSize = 32,
        Elastic = false,
    };

    /// <summary>Full-batch L-BFGS on a small MLP (16-16-2), 10 iterations an epoch. A convex model would converge,
    /// and end the job, in a fraction of a second; the MLP keeps it busy long enough for a kill to land mid-job.</summary>
    public static TrainingSpec Lbfgs(TrainingData data, string prefix) => Logistic(data, prefix) with
    {
        Mode = ConsistencyMode.Lbfgs,
        Model = new ModelSpec { Kind = ModelKind.Mlp, FeatureCount = TrainingData.Features, ClassCount = 2, HiddenLayers = [16] },
        LbfgsIterations = 240,
        LbfgsIterationsPerEpoch = 10,
    };

    public static string NewJobId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    public static ITrainingJobGrain Grain(IGrainFactory grains, TrainingSpec spec) => grains.GetGrain<ITrainingJobGrain>(spec.JobId!);

    public static Task<JobStatus> StartAsync(IGrainFactory grains, TrainingSpec spec) => Grain(grains, spec).StartAsync(spec);

    /// <summary>Long-polls the job until <paramref name="condition"/> holds or it is final (see <see cref="JobWatch.WaitAsync"/>).</summary>
    public static Task<JobStatus> WaitAsync(IGrainFactory grains, string jobId, Func<JobStatus, bool> condition, TimeSpan limit, ICollection<string>? reasons = null, Func<string>? context = null) =>
        JobWatch.WaitAsync(grains, jobId, condition, limit, reasons, context);

    public static Task<JobStatus> WaitForFinalAsync(IGrainFactory grains, string jobId, TimeSpan limit, ICollection<string>? reasons = null, Func<string>? context = null) =>
        WaitAsync(grains, jobId, s => s.IsFinal, limit, reasons, context);

    /// <summary>Starts the job and waits for its end; asserts that it completed every epoch.</summary>
    public static async Task<JobStatus> RunToCompletionAsync(IGrainFactory grains, TrainingSpec spec, TimeSpan limit, Func<string>? context = null)
    {
        await StartAsync(grains, spec);
        JobStatus final = await WaitForFinalAsync(grains, spec.JobId!, limit, context: context);
        AssertCompleted(final, context);
        return final;
    }

    /// <summary>Asserts that the job completed all its planned epochs with finite losses and saved its model.</summary>
    public static void AssertCompleted(JobStatus status, Func<string>? context = null)
    {
        Assert.True(status.State == JobState.Completed, $"job {status.JobId} ended {Describe(status)}{(context is null ? "" : Environment.NewLine + context())}");
        Assert.Equal(status.EpochsPlanned, status.EpochsCompleted);
        Assert.Equal(Enumerable.Range(1, status.EpochsPlanned), status.History.Select(m => m.Epoch));
        Assert.All(status.History, m => Assert.True(double.IsFinite(m.TrainLoss), $"epoch {m.Epoch} loss {m.TrainLoss}"));
        Assert.NotNull(status.ModelVersion);
    }

    /// <summary>The held-out accuracy after the last epoch.</summary>
    public static double FinalAccuracy(JobStatus status) =>
        status.History[^1].TestAccuracy ?? throw new InvalidOperationException($"job {status.JobId} reported no test accuracy.");

    /// <summary>Asserts that a disturbed job ended where its undisturbed run did: the same final loss to 1e-6 and the
    /// held-out accuracy within 0.5 percentage points.</summary>
    public static void AssertSameResult(JobStatus baseline, JobStatus final, ITestOutputHelper output, string disturbed)
    {
        double expectedLoss = baseline.History[^1].TrainLoss;
        double loss = final.History[^1].TrainLoss;
        double expectedAccuracy = FinalAccuracy(baseline);
        double accuracy = FinalAccuracy(final);
        output.WriteLine($"final train loss undisturbed {expectedLoss:R}, {disturbed} {loss:R}; test accuracy {expectedAccuracy:F4} and {accuracy:F4}");
        Assert.True(expectedAccuracy > 0.8, $"the undisturbed job only reached {expectedAccuracy:F4}: the comparison would mean nothing");
        Assert.InRange(accuracy, expectedAccuracy - 0.005, expectedAccuracy + 0.005);
        Assert.InRange(loss, expectedLoss - 1e-6, expectedLoss + 1e-6);
    }

    /// <summary>The parameters of the model a completed job saved, from the model registry.</summary>
    public static async Task<SavedModel> DownloadModelAsync(IGrainFactory grains, JobStatus status)
    {
        Assert.NotNull(status.ModelName);
        Assert.NotNull(status.ModelVersion);
        byte[] file = await grains.GetGrain<IModelRegistryGrain>(status.ModelName).DownloadAsync(status.ModelVersion.Value);
        return ModelFile.Deserialize(file, $"{status.ModelName} v{status.ModelVersion}");
    }

    /// <summary>The statistics of the shards of a job's current shard generation.</summary>
    public static Task<ShardStats[]> ShardStatsAsync(IGrainFactory grains, JobStatus status) =>
        Task.WhenAll(Enumerable.Range(0, status.Shards).Select(i => grains.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(status.JobId, i, status.ShardGeneration)).GetStatsAsync()));

    public static string Describe(JobStatus? status) => JobWatch.Describe(status);
}
