using System.Diagnostics;
using OrleansML.Grains.Diagnostics;

namespace OrleansML.Training.Tests.Diagnostics;

/// <summary>
/// Spans carried across grain calls by Orleans' activity propagation (on the silos and the client, as the silo host
/// and the CLI configure it): a worker's run-slice span descends, through Orleans' call spans, from the coordinator's
/// epoch span, which descends from the job span, all in one trace. The job span is that trace's root, linked to the
/// client's StartAsync call.
/// </summary>
public sealed class TracePropagationTests(TracePropagationTests.Cluster fixture) : IClassFixture<TracePropagationTests.Cluster>, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Run_slice_spans_descend_from_their_epoch_and_job_spans_across_grain_calls()
    {
        var data = TrainingData.Write(_directory.Path, TrainingData.Linear(rows: 1000), partitions: 2, "trace");
        TrainingSpec spec = new()
        {
            JobId = JobRuns.NewJobId("telemetry-trace"),
            Model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 16 },
            Data = new DataSpec { TrainManifest = data.Train, TestManifest = data.Test },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.05f },
            Epochs = 2,
            BatchSize = 64,
            Elastic = false,
        };
        using var recorder = new TelemetryRecorder(spec.JobId!);

        JobStatus status = await JobRuns.RunAsync(fixture.Cluster.Client, spec, TimeSpan.FromSeconds(90));

        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.FailureReason}");
        Activity job = await recorder.WaitForSpanAsync(OrleansMLTelemetry.JobSpan, TimeSpan.FromSeconds(30));
        Activity[] epochs = [.. recorder.Spans.Where(s => s.OperationName == OrleansMLTelemetry.EpochSpan)];
        Activity[] slices = [.. recorder.Spans.Where(s => s.OperationName == OrleansMLTelemetry.StepsSpan)];
        Assert.Equal(default, job.ParentSpanId);
        ActivityLink link = Assert.Single(job.Links);
        Assert.NotEqual(job.TraceId, link.Context.TraceId);
        Assert.Equal(spec.Epochs, epochs.Length);
        Assert.All(epochs, e => Assert.Equal(job.SpanId, e.ParentSpanId));
        Assert.NotEmpty(slices);
        foreach (Activity slice in slices)
        {
            Assert.Equal(job.TraceId, slice.TraceId);
            Activity[] ancestors = [.. recorder.Ancestors(slice)];
            Activity epoch = Assert.Single(ancestors, a => a.OperationName == OrleansMLTelemetry.EpochSpan);
            Assert.Equal(slice.GetTagItem("orleansml.epoch"), epoch.GetTagItem("orleansml.epoch"));
            Assert.Contains(ancestors, a => a.Source.Name == TelemetryRecorder.OrleansCallSource);
            Assert.Contains(ancestors, a => a.SpanId == job.SpanId);
        }
    }

    /// <summary>A 2-silo cluster with Orleans' activity propagation on the silos and the client.</summary>
    public sealed class Cluster() : ClusterFixture(2, builder =>
    {
        builder.ConfigureSilo((_, silo) => silo.AddActivityPropagation());
        builder.ConfigureClient(client => client.AddActivityPropagation());
    });
}
