using System.Diagnostics;

namespace OrleansML.Training.Tests.Faults;

/// <summary>Cancel ends a running job at once; pause stops it at an epoch boundary and resume carries on.</summary>
[Collection(FaultTestGroup.Name)]
public sealed class ControlTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CancelMidTrainingEndsTheJobQuicklyAndItStaysCancelled()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "cancel") with { Epochs = 40 };
        ITrainingJobGrain job = cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        await job.StartAsync(spec);
        await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, s => s.EpochsCompleted >= 1);
        var clock = Stopwatch.StartNew();
        JobStatus cancelled = await job.CancelAsync();
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.True(seconds < 5, $"cancel took {seconds:F1} s");
        int epochs = cancelled.EpochsCompleted;

        // Nothing runs on: no epoch is added, no model is saved, and the state stays final.
        await Task.Delay(1500);
        JobStatus later = await job.GetStatusAsync();
        output.WriteLine($"cancelled after {epochs} epochs in {seconds * 1000:F0} ms; 1.5 s later: {FaultCluster.Describe(later)}");
        Assert.Equal(JobState.Cancelled, later.State);
        Assert.Equal(epochs, later.EpochsCompleted);
        Assert.Equal(cancelled.Retries, later.Retries);
        Assert.Equal("cancelled by a client", later.FailureReason);
        Assert.Null(later.ModelVersion);
        Assert.NotNull(later.FinishedUtc);
    }

    [Fact]
    public async Task PauseStopsAtAnEpochBoundaryAndResumeCompletesTheJob()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "pause") with { Epochs = 12 };
        ITrainingJobGrain job = cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        await job.StartAsync(spec);
        await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, s => s.EpochsCompleted >= 1);
        JobStatus paused = await FaultCluster.PauseAsync(cluster.Client, spec.JobId!);
        Assert.True(paused.EpochsCompleted < spec.Epochs, FaultCluster.Describe(paused));
        Assert.Equal(paused.EpochsCompleted, paused.History.Count);
        Assert.Equal(0, paused.EpochProgress);

        await Task.Delay(1500);
        JobStatus stillPaused = await job.GetStatusAsync();
        Assert.Equal(JobState.Paused, stillPaused.State);
        Assert.Equal(paused.EpochsCompleted, stillPaused.EpochsCompleted);

        await job.ResumeAsync();
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!);
        output.WriteLine($"paused after epoch {paused.EpochsCompleted}; resumed: {FaultCluster.Describe(final)}; accuracy {FaultCluster.FinalAccuracy(final):F4}");
        FaultCluster.AssertCompleted(final, spec.Epochs);
        Assert.Equal(0, final.Retries);
        Assert.NotNull(final.ModelVersion);
        Assert.Equal(Enumerable.Range(1, spec.Epochs), final.History.Select(m => m.Epoch));
    }
}
