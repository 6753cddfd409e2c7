namespace OrleansML.Training.Tests.Jobs;

public sealed class JobSmokeTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task BspJobCompletes()
    {
        var data = TrainingData.Write(_directory.Path, TrainingData.Linear(), partitions: 4, "smoke");
        TrainingSpec spec = LinearSpec(data.Train, data.Test);
        ITrainingJobGrain job = fixture.Cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        await job.StartAsync(spec);
        JobStatus status = await job.GetStatusAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!status.IsFinal && DateTime.UtcNow < deadline)
        {
            status = await job.WatchAsync(status.Revision, TimeSpan.FromSeconds(5));
        }

        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.FailureReason}");

        // Starting again with an equal spec (after a round trip through the wire) attaches; another spec is refused.
        JobStatus again = await job.StartAsync(spec);
        Assert.Equal(JobState.Completed, again.State);
        TrainingSpecException refused = await Assert.ThrowsAsync<TrainingSpecException>(() => job.StartAsync(spec with { Epochs = 4 }));
        Assert.Contains("different spec", refused.Message, StringComparison.Ordinal);
        Assert.Equal("jobId", refused.Field);
        Assert.Equal(3, status.History.Count);
        Assert.True(status.History[^1].TrainLoss < status.History[0].TrainLoss);
    }

    [Fact]
    public async Task A_bad_spec_is_refused_naming_its_field_and_starts_nothing()
    {
        var data = TrainingData.Write(_directory.Path, TrainingData.Linear(), partitions: 4, "bad-spec");
        // No job id: the grain takes its own key (but for the last case, which names another job).
        TrainingSpec good = LinearSpec(data.Train, data.Test) with { JobId = null };
        (string Field, string Message, TrainingSpec Spec)[] cases =
        [
            ("workers", "must be between 1 and 1024, got 0", good with { Workers = 0 }),
            ("workers", "5 workers need at least 5 partitions", good with { Workers = 5 }),
            ("model.featureCount", "is 15 but", good with { Model = good.Model with { FeatureCount = 15 } }),
            ("data.trainManifest", "cannot read", good with { Data = good.Data with { TrainManifest = Path.Combine(_directory.Path, "missing.manifest.json") } }),
            ("jobId", "does not match the job grain", good with { JobId = "another-job" }),
        ];

        foreach ((string field, string message, TrainingSpec spec) in cases)
        {
            ITrainingJobGrain job = fixture.Cluster.Client.GetGrain<ITrainingJobGrain>(JobRuns.NewJobId("bad-spec"));
            TrainingSpecException error = await Assert.ThrowsAsync<TrainingSpecException>(() => job.StartAsync(spec));
            Assert.Equal(field, error.Field);
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
            Assert.Null(await job.GetSpecAsync());
            var never = await Assert.ThrowsAsync<InvalidOperationException>(job.GetStatusAsync);
            Assert.Contains("was never started", never.Message, StringComparison.Ordinal);
        }
    }

    private static TrainingSpec LinearSpec(string train, string test) => new()
    {
        JobId = JobRuns.NewJobId("smoke"),
        Model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 16 },
        Data = new DataSpec { TrainManifest = train, TestManifest = test },
        Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.05f },
        Epochs = 3,
        BatchSize = 64,
    };
}
