using OrleansML.Learning.Training;

namespace OrleansML.Training.Tests.Jobs;

/// <summary>A job from a spec with only a model and data runs on the defaults (automatic batch, the cosine schedule
/// over the whole job), and a target accuracy or loss ends it at the first epoch that reaches it, saying so.</summary>
public sealed class TargetAndDefaultsJobTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_spec_with_only_model_and_data_trains_on_the_defaults_and_targets_stop_it_early()
    {
        var data = TrainingData.Write(_directory.Path, TrainingData.Logistic(rows: 2000), partitions: 4, "defaults");
        var spec = new TrainingSpec
        {
            JobId = JobRuns.NewJobId("defaults"),
            Model = new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = 16 },
            Data = new DataSpec { TrainManifest = data.Train, TestManifest = data.Test },
        };

        JobStatus full = await JobRuns.RunAsync(fixture.Cluster.Client, spec, Timeout);

        Assert.True(full.State == JobState.Completed, $"{full.State}: {full.FailureReason}");
        Assert.Equal(new TrainingSpec().Epochs, full.History.Count);
        Assert.Null(full.StopReason);
        int rows = data.TrainSet.RowCount;
        int batch = AutoSettings.BatchSize(spec, rows);
        Assert.Equal((rows + AutoSettings.StepsPerEpoch - 1) / AutoSettings.StepsPerEpoch, batch);
        ShardStats[] shards = await JobRuns.ShardStatsAsync(fixture.Cluster.Client, spec);
        Assert.All(shards, s => Assert.Equal((long)spec.Epochs * ((rows + batch - 1) / batch), s.Version));
        // BSP is mini-batch training with the global batch: one thread with the same resolved settings gets as far.
        var local = new LocalTrainer(spec.Model.Create(), new LocalTrainerOptions
        {
            Epochs = spec.Epochs,
            BatchSize = batch,
            Seed = spec.Seed,
            Optimizer = AutoSettings.Optimizer(spec.Optimizer, spec.Mode, spec.Epochs, (rows + batch - 1) / batch, spec.Workers),
            EvaluateEachEpoch = false,
        }).Train(data.TrainSet, data.TestSet);
        double localAccuracy = local.FinalTest!.Accuracy!.Value;
        double jobAccuracy = full.History[^1].TestAccuracy!.Value;
        Assert.True(Math.Abs(jobAccuracy - localAccuracy) <= 0.02, $"job {jobAccuracy:F4}, LocalTrainer {localAccuracy:F4}");
        Assert.True(jobAccuracy > 0.75, $"default settings reached only {jobAccuracy:F4}");

        // A target the full run passed early: the job stops at the first epoch at or above it.
        double accuracyTarget = Math.Round(full.History[2].TestAccuracy!.Value - 0.005, 3);
        JobStatus byAccuracy = await JobRuns.RunAsync(fixture.Cluster.Client, spec with { JobId = JobRuns.NewJobId("target-acc"), TargetAccuracy = accuracyTarget }, Timeout);
        AssertStoppedAtFirst(byAccuracy, e => e.TestAccuracy >= accuracyTarget, $"reached target accuracy {accuracyTarget.ToString(CultureInfo.InvariantCulture)} at epoch");

        double lossTarget = Math.Round(full.History[3].TrainLoss + 0.0005, 4);
        JobStatus byLoss = await JobRuns.RunAsync(fixture.Cluster.Client, spec with { JobId = JobRuns.NewJobId("target-loss"), TargetLoss = lossTarget }, Timeout);
        AssertStoppedAtFirst(byLoss, e => e.TrainLoss <= lossTarget, $"reached target loss {lossTarget.ToString(CultureInfo.InvariantCulture)} at epoch");
    }

    [Fact]
    public async Task A_target_accuracy_without_a_test_set_is_refused_before_the_job_starts()
    {
        var data = TrainingData.Write(_directory.Path, TrainingData.Logistic(rows: 400), partitions: 2, "no-test");
        var spec = new TrainingSpec
        {
            JobId = JobRuns.NewJobId("no-test"),
            Model = new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = 16 },
            Data = new DataSpec { TrainManifest = data.Train },
            TargetAccuracy = 0.9,
        };

        ITrainingJobGrain job = fixture.Cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        TrainingSpecException error = await Assert.ThrowsAsync<TrainingSpecException>(() => job.StartAsync(spec));

        Assert.Equal("targetAccuracy", error.Field);
        Assert.Contains("held-out set", error.Message, StringComparison.Ordinal);
    }

    private static void AssertStoppedAtFirst(JobStatus status, Func<EpochMetrics, bool> reached, string reason)
    {
        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.FailureReason}");
        Assert.True(status.History.Count < new TrainingSpec().Epochs, $"ran all {status.History.Count} epochs");
        Assert.True(reached(status.History[^1]), "the last epoch did not reach the target");
        Assert.All(status.History.Take(status.History.Count - 1), e => Assert.False(reached(e), $"epoch {e.Epoch} reached the target already"));
        Assert.NotNull(status.StopReason);
        Assert.Contains($"{reason} {status.History.Count}", status.StopReason, StringComparison.Ordinal);
        Assert.NotNull(status.ModelVersion);
    }
}
