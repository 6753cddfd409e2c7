using System.Diagnostics;
using OrleansML.Grains.Diagnostics;
using OrleansML.Grains.Jobs;
using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Training.Tests.Diagnostics;

/// <summary>
/// The <c>OrleansML</c> meter and activity source as a listener sees them during small jobs on a 2-silo in-process
/// cluster: every value is checked against what the job reports itself (its status, the shards' statistics).
/// </summary>
public sealed class TelemetryInstrumentTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_bsp_job_counts_its_steps_rows_bytes_barrier_waits_checkpoints_and_spans()
    {
        (TrainingSpec spec, JobStatus status, TelemetryRecorder recorder) = await RunAsync(ConsistencyMode.Bsp);
        using var disposeRecorder = recorder;

        Assert.Equal(0, status.Retries);
        int stepsPerEpoch = JobSteps.StepsPerEpoch(spec, DatasetLocation.Open(spec.Data.TrainManifest));
        Assert.Equal((double)spec.Epochs * stepsPerEpoch * status.Workers, recorder.Sum(OrleansMLTelemetry.Steps));
        Assert.Equal(status.History.Sum(e => e.Examples), recorder.Sum(OrleansMLTelemetry.Rows));
        Assert.All(recorder.Of(OrleansMLTelemetry.Steps), m =>
        {
            Assert.Equal(OrleansMLTelemetry.WorkerRole, m.Role);
            Assert.Equal("Bsp", m.Tags[OrleansMLTelemetry.ModeTag]);
        });

        ShardStats[] shards = await JobRuns.ShardStatsAsync(fixture.Cluster.Client, spec);
        Assert.Equal(shards.Sum(s => s.BytesIn), recorder.Sum(OrleansMLTelemetry.PushBytes));
        Assert.Equal(shards.Sum(s => s.BytesOut), recorder.Sum(OrleansMLTelemetry.PullBytes));
        Assert.Equal(shards.Sum(s => s.Pulls), recorder.Sum(OrleansMLTelemetry.ShardPulls));
        Assert.True(recorder.Sum(OrleansMLTelemetry.PushBytes) > 0);
        Assert.All(recorder.Of(OrleansMLTelemetry.PushBytes), m => Assert.Equal(OrleansMLTelemetry.ShardRole, m.Role));

        // With two workers, every step's pulls but the last pusher's wait in the shard for the step's barrier.
        IReadOnlyList<TelemetryRecorder.Measurement> waits = recorder.Of(OrleansMLTelemetry.BarrierWait);
        Assert.NotEmpty(waits);
        Assert.All(waits, m => Assert.True(m.Value >= 0));
        Assert.Empty(recorder.Of(OrleansMLTelemetry.Staleness));
        Assert.Equal(0, recorder.Sum(OrleansMLTelemetry.Retries));

        // The coordinator checkpoints once per epoch; each shard writes the initial checkpoint and one per epoch.
        Assert.Equal(spec.Epochs, recorder.Of(OrleansMLTelemetry.CheckpointDuration).Count(m => m.Role == OrleansMLTelemetry.CoordinatorRole));
        Assert.True(recorder.Of(OrleansMLTelemetry.CheckpointDuration).Count(m => m.Role == OrleansMLTelemetry.ShardRole) >= spec.Shards * (spec.Epochs + 1));

        // One job span, one epoch span per epoch, and at least one run-slice span per worker and epoch.
        await recorder.WaitForSpanAsync(OrleansMLTelemetry.JobSpan, TimeSpan.FromSeconds(30));
        IReadOnlyList<Activity> spans = recorder.Spans;
        Assert.Single(spans, s => s.OperationName == OrleansMLTelemetry.JobSpan);
        Assert.Equal(spec.Epochs, spans.Count(s => s.OperationName == OrleansMLTelemetry.EpochSpan));
        IReadOnlyList<Activity> slices = [.. spans.Where(s => s.OperationName == OrleansMLTelemetry.StepsSpan)];
        Assert.True(slices.Count >= spec.Epochs * status.Workers, $"{slices.Count} run-slice spans");
        Assert.Equal((long)spec.Epochs * stepsPerEpoch * status.Workers, slices.Sum(s => Convert.ToInt64(s.GetTagItem("orleansml.steps"), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task An_ssp_job_records_the_staleness_of_every_applied_push()
    {
        (TrainingSpec spec, JobStatus status, TelemetryRecorder recorder) = await RunAsync(ConsistencyMode.Ssp);
        using var disposeRecorder = recorder;

        ShardStats[] shards = await JobRuns.ShardStatsAsync(fixture.Cluster.Client, spec);
        IReadOnlyList<TelemetryRecorder.Measurement> staleness = recorder.Of(OrleansMLTelemetry.Staleness);
        double applied = recorder.Of(OrleansMLTelemetry.ShardPushes).Where(m => m.Tags[OrleansMLTelemetry.OutcomeTag] == nameof(PushOutcome.Applied)).Sum(m => m.Value);
        Assert.Equal(applied, staleness.Count);
        Assert.True(applied > 0);
        Assert.Equal(shards.Max(s => s.MaximumStaleness), staleness.Max(m => m.Value));
        Assert.All(staleness, m => Assert.Equal("Ssp", m.Tags[OrleansMLTelemetry.ModeTag]));
    }

    [Fact]
    public async Task A_model_averaging_job_counts_its_local_steps_and_rows_per_round()
    {
        (TrainingSpec spec, JobStatus status, TelemetryRecorder recorder) = await RunAsync(ConsistencyMode.ModelAveraging);
        using var disposeRecorder = recorder;

        int stepsPerEpoch = JobSteps.StepsPerEpoch(spec, DatasetLocation.Open(spec.Data.TrainManifest));
        Assert.Equal((double)spec.Epochs * stepsPerEpoch * status.Workers, recorder.Sum(OrleansMLTelemetry.Steps));
        Assert.Equal(status.History.Sum(e => e.Examples), recorder.Sum(OrleansMLTelemetry.Rows));
        Assert.All(recorder.Of(OrleansMLTelemetry.Steps), m => Assert.Equal("ModelAveraging", m.Tags[OrleansMLTelemetry.ModeTag]));
    }

    /// <summary>Runs a small linear job in <paramref name="mode"/> (model averaging: every 4 steps) with a recorder
    /// listening for it; asserts that it completed.</summary>
    private async Task<(TrainingSpec Spec, JobStatus Status, TelemetryRecorder Recorder)> RunAsync(ConsistencyMode mode)
    {
        string name = mode.ToString().ToLowerInvariant();
        var data = TrainingData.Write(_directory.Path, TrainingData.Linear(rows: 2000), partitions: 4, name);
        var spec = new TrainingSpec
        {
            JobId = JobRuns.NewJobId("telemetry-" + name),
            Model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 16 },
            Data = new DataSpec { TrainManifest = data.Train, TestManifest = data.Test },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.05f },
            Mode = mode,
            Epochs = 2,
            BatchSize = 64,
            Elastic = false,
            AveragingInterval = 4,
        };
        var recorder = new TelemetryRecorder(spec.JobId!);
        JobStatus status = await JobRuns.RunAsync(fixture.Cluster.Client, spec, s_timeout);
        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.FailureReason}");
        return (spec, status, recorder);
    }
}
