using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Grains.Diagnostics;
using OrleansML.Grains.Jobs;

namespace OrleansML.Training.Tests.Diagnostics;

/// <summary><c>orleansml.retries</c> counts each retry the coordinator's retry policy takes, as the job's record does,
/// tagged with the job, its mode and the coordinator role; a step that succeeds at once counts none.</summary>
public sealed class RetryCounterTests
{
    [Fact]
    public async Task Each_retry_is_counted_once_with_the_coordinator_tags()
    {
        var host = new RetryHost(new TrainingSpec { JobId = JobRuns.NewJobId("telemetry-retries"), Mode = ConsistencyMode.Ssp, MaxEpochRetries = 5 });
        using var recorder = new TelemetryRecorder(host.JobId);
        int calls = 0;

        int result = await JobRetries.RunAsync(host, "reading the model", attempt =>
        {
            calls++;
            return attempt < 3 ? Task.FromException<int>(new TimeoutException("the shard did not answer")) : Task.FromResult(attempt);
        }, CancellationToken.None);
        await JobRetries.RunAsync(host, "saving the model", () => Task.FromResult(true), CancellationToken.None);

        Assert.Equal(3, result);
        Assert.Equal(2, host.Record.Retries);
        IReadOnlyList<TelemetryRecorder.Measurement> retries = recorder.Of(OrleansMLTelemetry.Retries);
        Assert.Equal(2, retries.Sum(m => m.Value));
        Assert.All(retries, m =>
        {
            Assert.Equal(OrleansMLTelemetry.CoordinatorRole, m.Role);
            Assert.Equal("Ssp", m.Tags[OrleansMLTelemetry.ModeTag]);
        });
    }

    /// <summary>The little of a coordinator the retry policy uses; retries wait 1 ms.</summary>
    private sealed class RetryHost(TrainingSpec spec) : IJobHost
    {
        public string JobId => spec.JobId!;

        public JobRecord Record { get; } = new() { Spec = spec };

        public IGrainFactory Grains => throw new NotSupportedException("the retry policy calls no grain");

        public IReadOnlyList<SiloAddress> ActiveSilos => [];

        public TrainingJobOptions Options { get; } = new() { RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(1) };

        public TimeProvider Time => TimeProvider.System;

        public Grains.Transfer.TransferOptions Transfer { get; } = new();

        public ILogger Logger => NullLogger.Instance;

        public Task SaveAsync() => Task.CompletedTask;

        public void Publish(double epochProgress = 0)
        {
        }

        public Task WaitWhilePausedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task EnterPauseAsync() => Task.CompletedTask;

        public Learning.Storage.IBlobStore BlobStore => throw new NotSupportedException("the retry policy reads no blob");

        public Task<byte[]> LbfgsStateAfterAsync(int round, CancellationToken cancellationToken) => Task.FromResult<byte[]>([]);

        public Task SaveLbfgsStateAsync(int round, byte[] state) => Task.CompletedTask;
    }
}
