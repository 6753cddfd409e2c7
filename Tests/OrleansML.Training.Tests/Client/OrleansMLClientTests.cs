using System.Text.RegularExpressions;

namespace OrleansML.Training.Tests.Client;

public sealed class OrleansMLClientTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _train;
    private readonly string _test;

    public OrleansMLClientTests() => (_train, _test) = TestDatasets.Write(_directory.Path);

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string, string> InvalidSpecs => new()
    {
        { "unknown model kind", "model.kind" },
        { "feature count mismatching the data", "model.featureCount" },
        { "more workers than partitions", "workers" },
        { "backup workers not below workers", "backupWorkers" },
        { "missing data file", "data.trainManifest" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public async Task Invalid_specs_name_the_field_and_reach_no_grain(string problem, string field)
    {
        TrainingSpec valid = TestDatasets.ValidSpec(_train, _test);
        TrainingSpec spec = problem switch
        {
            "unknown model kind" => valid with { Model = valid.Model with { Kind = (ModelKind)42 } },
            "feature count mismatching the data" => valid with { Model = valid.Model with { FeatureCount = 7 } },
            "more workers than partitions" => valid with { Workers = 3 },
            "backup workers not below workers" => valid with { BackupWorkers = 2 },
            _ => valid with { Data = valid.Data with { TrainManifest = Path.Combine(_directory.Path, "absent.manifest.json") } },
        };
        var grains = new RecordingGrainFactory();
        var client = new OrleansMLClient(grains);

        TrainingSpecException error = await Assert.ThrowsAsync<TrainingSpecException>(() => client.StartTrainingAsync(spec));

        Assert.Equal(field, error.Field);
        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
        Assert.Empty(grains.Requested);
    }

    [Fact]
    public async Task A_valid_spec_without_an_id_gets_a_fresh_one_and_reaches_the_job_grain()
    {
        var grains = new RecordingGrainFactory();
        var client = new OrleansMLClient(grains);

        GrainReferenceRequestedException reached = await Assert.ThrowsAsync<GrainReferenceRequestedException>(
            () => client.StartTrainingAsync(TestDatasets.ValidSpec(_train, _test)));

        Assert.Matches(new Regex("^job-[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$"), reached.Key);
        Assert.Equal([$"ITrainingJobGrain/{reached.Key}"], grains.Requested);
    }

    [Fact]
    public async Task An_explicit_job_id_is_kept()
    {
        var grains = new RecordingGrainFactory();
        var client = new OrleansMLClient(grains);

        GrainReferenceRequestedException reached = await Assert.ThrowsAsync<GrainReferenceRequestedException>(
            () => client.StartTrainingAsync(TestDatasets.ValidSpec(_train, _test) with { JobId = "my-job.1" }));

        Assert.Equal("my-job.1", reached.Key);
    }

    [Fact]
    public async Task Watch_yields_each_revision_once_rides_out_a_dead_silo_and_ends_at_the_final_state()
    {
        var grain = new ScriptedJobGrain(
            Status(1, JobState.Running),
            new SiloUnavailableException("silo died"),
            Status(1, JobState.Running),
            Status(2, JobState.Running),
            new TimeoutException("call timed out"),
            Status(3, JobState.Completed));
        var client = new OrleansMLClient(new RecordingGrainFactory(grain));

        List<JobStatus> seen = [];
        await foreach (JobStatus status in client.GetJob("job-w").WatchAsync())
        {
            seen.Add(status);
        }

        Assert.Equal([1L, 2L, 3L], seen.Select(s => s.Revision));
        Assert.Equal(JobState.Completed, seen[^1].State);
        Assert.Equal([-1L, 1L, 1L, 1L, 2L, 2L], grain.WatchedAfter);
    }

    [Fact]
    public async Task Watch_gives_up_after_the_retry_limit_with_the_last_error()
    {
        var grain = new ScriptedJobGrain(new SiloUnavailableException("gone for good"));
        var options = new OrleansMLClientOptions { WatchMaximumRetries = 2, WatchRetryMaximumDelay = TimeSpan.FromMilliseconds(10) };
        var client = new OrleansMLClient(new RecordingGrainFactory(grain), options);

        SiloUnavailableException error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.GetJob("job-x").WaitForCompletionAsync());

        Assert.Equal("gone for good", error.Message);
        Assert.Equal(3, grain.WatchedAfter.Count);
    }

    [Fact]
    public async Task Wait_for_completion_returns_a_failed_status_rather_than_throwing()
    {
        var grain = new ScriptedJobGrain(Status(4, JobState.Failed) with { FailureReason = "shard lost" });
        var client = new OrleansMLClient(new RecordingGrainFactory(grain));

        JobStatus final = await client.GetJob("job-f").WaitForCompletionAsync();

        Assert.Equal((JobState.Failed, "shard lost"), (final.State, final.FailureReason));
    }

    [Fact]
    public void Retry_delays_double_from_200_ms_up_to_the_cap()
    {
        TimeSpan cap = TimeSpan.FromSeconds(1);
        Assert.Equal([200, 400, 800, 1000, 1000], Enumerable.Range(1, 5).Select(n => TrainingJob.RetryDelay(n, cap).TotalMilliseconds));
    }

    [Fact]
    public void Options_name_the_option_at_fault()
    {
        Assert.Equal("WatchPollInterval", Assert.Throws<ArgumentException>(() => new OrleansMLClientOptions { WatchPollInterval = TimeSpan.Zero }.Validate()).ParamName);
        Assert.Equal("WatchMaximumRetries", Assert.Throws<ArgumentException>(() => new OrleansMLClientOptions { WatchMaximumRetries = -1 }.Validate()).ParamName);
        ArgumentException error = Assert.Throws<ArgumentException>(() => new OrleansMLClient(new RecordingGrainFactory(), new OrleansMLClientOptions { WatchRetryMaximumDelay = TimeSpan.FromDays(2) }));
        Assert.Equal("WatchRetryMaximumDelay", error.ParamName);
        Assert.Contains("OrleansMLClientOptions.WatchRetryMaximumDelay must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transient_failure_class_covers_what_a_dying_silo_throws()
    {
        Assert.True(TrainingJob.IsTransient(new SiloUnavailableException("gone")));
        Assert.True(TrainingJob.IsTransient(new Orleans.Runtime.Messaging.ConnectionFailedException("gateway lost")));
        Assert.True(TrainingJob.IsTransient(new GatewayTooBusyException("busy")));
        Assert.True(TrainingJob.IsTransient(new TimeoutException()));
        Assert.False(TrainingJob.IsTransient(new InvalidOperationException("a bug")));
        Assert.False(TrainingJob.IsTransient(new TrainingSpecException("workers", "bad")));

        var grain = new ScriptedJobGrain(new InvalidOperationException("never started"));
        var client = new OrleansMLClient(new RecordingGrainFactory(grain));
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetJob("job-n").WaitForCompletionAsync());
        Assert.Equal("never started", error.Message);
        Assert.Single(grain.WatchedAfter);
    }

    private static JobStatus Status(long revision, JobState state) =>
        new() { JobId = "job", Revision = revision, State = state, EpochsPlanned = 3, EpochsCompleted = (int)revision - 1 };
}
