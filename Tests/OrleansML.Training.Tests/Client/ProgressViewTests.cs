using OrleansML.Cli;

namespace OrleansML.Training.Tests.Client;

public sealed class ProgressViewTests
{
    [Fact]
    public async Task Without_a_terminal_progress_is_one_plain_line_per_epoch_then_a_table()
    {
        EpochMetrics[] epochs =
        [
            new() { Epoch = 1, TrainLoss = 0.9, TestAccuracy = 0.7, Seconds = 1.04, Workers = 2 },
            new() { Epoch = 2, TrainLoss = 0.5, TestAccuracy = 0.8, Seconds = 1.16, Workers = 2 },
        ];
        var grain = new ScriptedJobGrain(
            new JobStatus { JobId = "j", Revision = 1, State = JobState.Running, EpochsPlanned = 2 },
            new JobStatus { JobId = "j", Revision = 2, State = JobState.Running, EpochsPlanned = 2, EpochsCompleted = 1, History = epochs[..1] },
            new JobStatus { JobId = "j", Revision = 3, State = JobState.Completed, EpochsPlanned = 2, EpochsCompleted = 2, History = epochs, ModelName = "m", ModelVersion = 1 });
        var client = new OrleansMLClient(new RecordingGrainFactory(grain));
        var output = new StringWriter();
        var context = new CliContext(output, new StringWriter(), new Dictionary<string, string?>(), interactive: false);

        JobStatus final = await context.ProgressView().FollowAsync(client.GetJob("j"), CancellationToken.None);

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(JobState.Completed, final.State);
        Assert.Equal("job j running", lines[0]);
        Assert.Equal("epoch 1/2 train_loss=0.9000 test_accuracy=0.7000 seconds=1.0", lines[1]);
        Assert.Equal("epoch 2/2 train_loss=0.5000 test_accuracy=0.8000 seconds=1.2", lines[2]);
        Assert.Equal("job j completed", lines[3]);
        Assert.Contains(lines, l => l.Contains("| 2 ", StringComparison.Ordinal) && l.Contains("0.5000", StringComparison.Ordinal));
        Assert.Equal("job j completed epochs=2/2 workers=0 shards=0 retries=0 model=m:1", lines[^1]);
        Assert.DoesNotContain('\u001b', output.ToString());
    }

    [Fact]
    public async Task On_a_terminal_the_live_view_follows_to_the_final_state_and_prints_the_summary()
    {
        var grain = new ScriptedJobGrain(
            new JobStatus { JobId = "t", Revision = 1, State = JobState.Running, EpochsPlanned = 1 },
            new JobStatus
            {
                JobId = "t", Revision = 2, State = JobState.Failed, EpochsPlanned = 1, FailureReason = "out of retries",
                History = [new EpochMetrics { Epoch = 1, TrainLoss = 0.25, Seconds = 2 }],
            });
        var client = new OrleansMLClient(new RecordingGrainFactory(grain));
        var output = new StringWriter();
        var context = new CliContext(output, new StringWriter(), new Dictionary<string, string?>(), interactive: true);

        JobStatus final = await context.ProgressView().FollowAsync(client.GetJob("t"), CancellationToken.None);

        Assert.Equal(JobState.Failed, final.State);
        Assert.Contains("0.2500", output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("job t failed epochs=0/1 workers=0 shards=0 retries=0 reason=\"out of retries\"", output.ToString().TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_view_lists_silos_and_activations_per_grain_type()
    {
        var output = new StringWriter();
        var context = new CliContext(output, new StringWriter(), new Dictionary<string, string?>(), interactive: false);
        var overview = new ClusterOverview(
            [new SiloDetails("127.0.0.1:1000", "silo-a", "Active", 30000, DateTimeOffset.UnixEpoch), new SiloDetails("127.0.0.1:1001", "silo-b", "Dead", 0, DateTimeOffset.UnixEpoch)],
            [new GrainTypeActivations("127.0.0.1:1000", "ModelRegistryGrain", 3), new GrainTypeActivations("127.0.0.1:1000", "ModelVersionGrain", 4)]);

        ClusterCommand.Render(context, overview);

        string text = output.ToString();
        Assert.Matches(@"silo-a\s*\|\s*Active\s*\|\s*30000\s*\|\s*1970-01-01 00:00:00\s*\|\s*7", text);
        Assert.Matches(@"silo-b\s*\|\s*Dead\s*\|\s*-\s*\|", text);
        Assert.Matches(@"ModelVersionGrain\s*\|\s*127\.0\.0\.1:1000\s*\|\s*4", text);
        Assert.Equal(7, overview.CountActivations("Model"));
    }
}
