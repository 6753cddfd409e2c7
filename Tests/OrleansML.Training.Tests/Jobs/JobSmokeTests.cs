using OrleansML.Jobs;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;
using OrleansML.Runtime.Testing;
using OrleansML.Training.Tests.TestSupport;

namespace OrleansML.Training.Tests.Jobs;

public sealed class JobSmokeTests
{
    [Fact]
    public async Task BspJobCompletes()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Linear(), partitions: 4);
        await using TestCluster cluster = await TrainingClusters.DeployAsync(2);
        var spec = new TrainingSpec
        {
            JobId = "smoke-" + Guid.NewGuid().ToString("N")[..6],
            Model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 16 },
            Data = new DataSpec { TrainManifest = data.Train, TestManifest = data.Test },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.05f },
            Epochs = 3,
            BatchSize = 64,
        };
        ITrainingJobGrain job = cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        await job.StartAsync(spec);
        JobStatus status = await job.GetStatusAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!status.IsFinal && DateTime.UtcNow < deadline)
        {
            status = await job.WatchAsync(status.Revision, TimeSpan.FromSeconds(5));
        }

        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.FailureReason}");

        // Starting again with an equal spec (after a JSON round trip) attaches; another spec is refused.
        JobStatus again = await job.StartAsync(spec);
        Assert.Equal(JobState.Completed, again.State);
        Exception refused = await Assert.ThrowsAnyAsync<Exception>(() => job.StartAsync(spec with { Epochs = 4 }));
        Assert.Contains("different spec", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, status.History.Count);
        Assert.True(status.History[^1].TrainLoss < status.History[0].TrainLoss);
    }
}
