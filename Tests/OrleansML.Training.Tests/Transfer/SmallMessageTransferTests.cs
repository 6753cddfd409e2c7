using OrleansML.Grains.Transfer;
using OrleansML.Learning.Data.Synthetic;
using OrleansML.Learning.Models.Files;
using OrleansML.Models;

namespace OrleansML.Training.Tests.Transfer;

/// <summary>A 2-silo cluster whose <c>OrleansML:Transfer:MaxMessageBytes</c> is the minimum, 4 KiB (1,024 floats), so
/// that small models take the ranged paths a large model takes under the default: ranges, staging, parts, and the
/// checkpoint hand-off through the blob store.</summary>
public sealed class SmallMessageTransferTests(SmallMessageTransferTests.Cluster fixture) : IClassFixture<SmallMessageTransferTests.Cluster>
{
    private const int Floats = TransferOptions.MinimumMaxMessageBytes / sizeof(float);

    /// <summary>Hashed logistic regression with 2^12 buckets: 4,097 parameters, four messages and a short one.</summary>
    private static readonly ModelSpec s_hashed = new() { Kind = ModelKind.HashedLogisticRegression, HashBits = 12 };

    [Fact]
    public async Task A_ranged_write_changes_nothing_until_the_whole_slice_is_committed()
    {
        string job = "staged-" + Guid.NewGuid().ToString("N")[..8];
        IParameterShardGrain shard = fixture.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, 0));
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, s_hashed, ConsistencyMode.Bsp));
        Assert.Equal(4097, stats.Length);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.ReadParametersAsync());
        Assert.Contains("ReadParameterRangeAsync", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => shard.WriteParametersAsync(new FloatTensor(new float[stats.Length]), 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => shard.ReadParameterRangeAsync(0, Floats + 1));
        float[] before = await ReadAsync(shard, stats.Length);

        float[] next = [.. Enumerable.Range(0, stats.Length).Select(i => (i % 97) * 0.01f)];
        (long Offset, int Count)[] ranges = [.. OrleansML.Transfer.TransferRanges.Split(stats.Length, Floats)];
        Assert.Equal(5, ranges.Length);
        foreach ((long offset, int count) in ranges[..^1])
        {
            await shard.WriteParameterRangeAsync(5, (int)offset, Part(next, offset, count));
        }

        var partial = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.CommitParametersAsync(5));
        Assert.Contains("staged up to 4096 of 4097", partial.Message, StringComparison.Ordinal);
        Assert.Equal(before, await ReadAsync(shard, stats.Length));

        // A gap is refused; a repeated range is harmless; the last range completes the slice.
        await Assert.ThrowsAsync<InvalidOperationException>(() => shard.WriteParameterRangeAsync(6, 1024, Part(next, 1024, 10)));
        foreach ((long offset, int count) in ranges)
        {
            await shard.WriteParameterRangeAsync(5, (int)offset, Part(next, offset, count));
        }

        await shard.WriteParameterRangeAsync(5, 0, Part(next, 0, Floats));
        // Staging version 6 above discarded version 5's first attempt; this round staged version 5 whole again.
        await shard.CommitParametersAsync(5);
        Assert.Equal(next, await ReadAsync(shard, stats.Length));
        Assert.Equal(5, (await shard.GetStatsAsync()).Version);
        await Assert.ThrowsAsync<InvalidOperationException>(() => shard.CommitParametersAsync(5));
    }

    [Fact]
    public async Task A_job_saves_through_the_store_and_the_client_downloads_the_shards_bytes_in_parts()
    {
        using var directory = new TempDirectory();
        var data = new ClickThroughOptions { RowCount = 2000, FeatureCount = 1 << 12, FeaturesPerRow = 8, Seed = 5 };
        TrainingSpec spec = TrainingData.ClickThroughJob(directory.Path, "small-transfer", s_hashed, data, partitions: 2) with
        {
            Workers = 2,
            Shards = 2,
            Epochs = 2,
            BatchSize = 200,
        };

        JobStatus status = await JobRuns.RunAsync(fixture.Client, spec, TimeSpan.FromMinutes(2));
        Assert.True(status.State == JobState.Completed, $"job ended {status.State}: {status.FailureReason}");
        IModelRegistryGrain registry = fixture.Client.GetGrain<IModelRegistryGrain>(status.ModelName!);
        Assert.Equal(spec.JobId, Assert.Single(await registry.ListAsync()).JobId);
        ModelDownload download = await registry.OpenDownloadAsync(0);
        Assert.Equal(TransferOptions.MinimumMaxMessageBytes, download.PartBytes);
        Assert.True(download.Bytes > 4 * download.PartBytes, $"the file ({download.Bytes} bytes) should take several parts");
        var whole = await Assert.ThrowsAsync<InvalidOperationException>(() => registry.DownloadAsync(0));
        Assert.Contains("OpenDownloadAsync", whole.Message, StringComparison.Ordinal);

        byte[] file = await new OrleansMLClient(fixture.Client).DownloadModelFileAsync(status.ModelName!, 0);
        SavedModel saved = ModelFile.Deserialize(file, "downloaded");
        var layout = new ShardLayout(saved.Parameters.Length, spec.Shards);
        var held = new float[saved.Parameters.Length];
        for (int i = 0; i < spec.Shards; i++)
        {
            IParameterShardGrain shard = fixture.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, i));
            (await ReadAsync(shard, layout.Length(i))).CopyTo(held, layout.Start(i));
        }

        Assert.Equal(held, saved.Parameters);
        Assert.Contains(held, w => w != 0);

        // Saving again for the same job lists no second version.
        Assert.Equal(new ModelSaveSlot { Version = status.ModelVersion!.Value, Saved = true }, await registry.ReserveVersionAsync(spec.JobId!));
    }

    [Fact]
    public async Task A_job_whose_steps_would_send_whole_slices_over_the_limit_is_refused_at_start()
    {
        using var directory = new TempDirectory();
        var data = new ClickThroughOptions { RowCount = 50, FeatureCount = 64, FeaturesPerRow = 4, Seed = 1 };
        TrainingSpec spec = TrainingData.ClickThroughJob(directory.Path, "too-big", s_hashed, data, partitions: 1) with
        {
            Mode = ConsistencyMode.ModelAveraging,
            Workers = 1,
            Shards = 2,
        };

        // Model averaging moves whole models; 4,097 parameters in 1,024-float messages need 5 shards.
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => fixture.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec));
        Assert.Contains("at least 5 shards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_larger_than_a_message_is_handed_off_through_the_blob_store()
    {
        string job = "handoff-big-" + Guid.NewGuid().ToString("N")[..8];
        IParameterShardGrain old = fixture.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, 0, 0));
        IParameterShardGrain next = fixture.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, 0, 1));
        ShardAssignment assignment = Assignment(job, s_hashed, ConsistencyMode.Asp);
        ShardStats stats = await old.ConfigureAsync(assignment);
        await old.BeginAsync(1);
        await old.PushAsync(new GradientPush { Attempt = 1, WorkerId = 0, Step = 0, Rows = 1, Keys = new IndexTensor([3, 4000]), Values = new FloatTensor([1f, -2f]) });
        await old.CheckpointAsync(1);
        CheckpointLocation location = await old.LocateCheckpointAsync(1);
        Assert.True(location.Length > TransferOptions.MinimumMaxMessageBytes, $"the checkpoint ({location.Length} bytes) should exceed one message");

        Assert.Equal(1, await next.TakeOverAsync(assignment with { Generation = 1 }, fromGeneration: 0, checkpointId: 1));
        Assert.Equal(await ReadAsync(old, stats.Length), await ReadAsync(next, stats.Length));
        await Assert.ThrowsAsync<InvalidOperationException>(() => old.LocateCheckpointAsync(2));

        // A checkpoint whose blob is gone is dropped when located, so a coordinator's retry picks an older one.
        await fixture.BlobStore.DeleteAsync(location.Blob);
        var lost = await Assert.ThrowsAsync<InvalidOperationException>(() => old.LocateCheckpointAsync(1));
        Assert.Contains("is lost", lost.Message, StringComparison.Ordinal);
        Assert.Empty((await old.GetStatsAsync()).Checkpoints);
    }

    [Fact]
    public async Task A_silo_whose_transfer_messages_are_not_well_below_Orleans_limit_does_not_start()
    {
        // The default 16 MiB against an 8 MiB Orleans limit.
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => TrainingClusters.DeployAsync(1, configure: builder =>
            builder.ConfigureSilo((_, silo) => silo.Configure<Orleans.Configuration.SiloMessagingOptions>(o => o.MaxMessageBodySize = 8 << 20))));
        string messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("OrleansML:Transfer:MaxMessageBytes", messages, StringComparison.Ordinal);
        Assert.Contains("SiloMessagingOptions.MaxMessageBodySize (8388608 bytes)", messages, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }

    private static ShardAssignment Assignment(string job, ModelSpec model, ConsistencyMode mode) => new()
    {
        JobId = job,
        ShardCount = 1,
        Model = model,
        Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.5f },
        Mode = mode,
        WorkerCount = 1,
        Seed = 3,
    };

    private static FloatTensor Part(float[] values, long offset, int count) => new(values.AsSpan((int)offset, count).ToArray());

    private static async Task<float[]> ReadAsync(IParameterShardGrain shard, int length)
    {
        var values = new float[length];
        foreach ((long offset, int count) in OrleansML.Transfer.TransferRanges.Split(length, Floats))
        {
            (await shard.ReadParameterRangeAsync((int)offset, count)).Values.CopyTo(values, offset);
        }

        return values;
    }

    /// <summary>The cluster, with the smallest transfer messages the option allows.</summary>
    public sealed class Cluster() : ClusterFixture(2, builder =>
        builder.ConfigureSilo((_, silo) => silo.Services.Configure<TransferOptions>(o => o.MaxMessageBytes = TransferOptions.MinimumMaxMessageBytes)))
    {
        public IClusterClient Client => Cluster.Client;

        public Learning.Storage.IBlobStore BlobStore => TrainingClusters.BlobStoreOf(Cluster);
    }
}
