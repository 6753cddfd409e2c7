using Orleans.Serialization;
using Orleans.Storage;
using OrleansML.Grains.Checkpoints;
using OrleansML.Grains.Shards;
using OrleansML.Learning.Storage;
using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Shards;

/// <summary>A shard's checkpoints live in the cluster's blob store; its grain state holds only their references.</summary>
public sealed class ShardBlobCheckpointTests(ShardCluster fixture) : IClassFixture<ShardCluster>
{
    private IBlobStore Blobs => TrainingClusters.BlobStoreOf(fixture.Cluster);

    /// <summary>The shard's stored record as storage holds it, and its size in Orleans' binary form.</summary>
    private async Task<(ShardCheckpointRecord Record, int Bytes)> StoredRecordAsync(IParameterShardGrain shard)
    {
        IServiceProvider services = fixture.Cluster.Silos[0].ServiceProvider;
        IGrainStorage storage = services.GetRequiredKeyedService<IGrainStorage>(SharedGrainStore.StorageName);
        var state = new GrainState<ShardCheckpointRecord>();
        await storage.ReadStateAsync("shard", shard.GetGrainId(), state);
        ShardCheckpointRecord record = state.State ?? throw new InvalidOperationException("no record is stored");
        return (record, services.GetRequiredService<Serializer>().SerializeToArray(record).Length);
    }

    private static string Folder(string job) => ParameterShardGrain.CheckpointFolder(Assignment(job, ConsistencyMode.Asp), ShardLayout.ShardKey(job, 0));

    [Fact]
    public async Task The_stored_state_of_a_million_parameter_shard_stays_under_two_kilobytes()
    {
        string job = NewJob("small-state");
        IParameterShardGrain shard = fixture.Shard(job);
        var model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 999_999 };
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Asp, workers: 1, model: model));
        Assert.Equal(1_000_000, stats.Length);
        await shard.BeginAsync(1);
        await shard.PushAsync(Dense(1, 0, 0, 1, Gradient(stats.Length, 0)));
        await shard.CheckpointAsync(1);
        await shard.CheckpointAsync(2);

        (ShardCheckpointRecord record, int bytes) = await StoredRecordAsync(shard);

        Assert.Equal([1L, 2L], record.Checkpoints.Select(c => c.Id));
        Assert.True(bytes < 2048, $"the stored record takes {bytes} bytes");
        foreach (ShardCheckpointReference held in record.Checkpoints)
        {
            Assert.True(held.Blob.Length > 4_000_000, $"checkpoint {held.Id}'s blob holds {held.Blob.Length} bytes");
            Assert.Equal(held.Blob.Length, (await Blobs.ReadAllBytesAsync(held.Blob.Name)).Length);
        }
    }

    [Fact]
    public async Task Blobs_of_dropped_checkpoints_are_deleted_and_a_discarded_shard_leaves_none()
    {
        string job = NewJob("garbage");
        IParameterShardGrain shard = fixture.Shard(job);
        await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Asp, workers: 1));
        for (long id = 1; id <= 5; id++)
        {
            await shard.CheckpointAsync(id);
        }

        (ShardCheckpointRecord kept, _) = await StoredRecordAsync(shard);
        Assert.Equal([3L, 4L, 5L], kept.Checkpoints.Select(c => c.Id));
        Assert.Equal(kept.Checkpoints.Select(c => c.Blob.Name).Order(StringComparer.Ordinal), await Blobs.ListAsync(Folder(job) + "/").ToListAsync());

        await shard.RestoreAsync(4);
        await shard.CheckpointAsync(4); // replaces 4 and drops 5: they belong to the abandoned run

        (ShardCheckpointRecord record, _) = await StoredRecordAsync(shard);
        Assert.Equal([3L, 4L], record.Checkpoints.Select(c => c.Id));
        Assert.DoesNotContain(record.Checkpoints[1].Blob, kept.Checkpoints.Select(c => c.Blob));
        Assert.Equal(record.Checkpoints.Select(c => c.Blob.Name).Order(StringComparer.Ordinal), await Blobs.ListAsync(Folder(job) + "/").ToListAsync());

        await shard.DiscardAsync();
        Assert.Empty(await Blobs.ListAsync(Folder(job) + "/").ToListAsync());
    }

    [Fact]
    public async Task A_lost_blob_fails_the_restore_by_name_and_the_shard_falls_back_to_an_older_checkpoint()
    {
        string job = NewJob("lost");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Asp, workers: 1));
        float[] atOne = (await PushAndCheckpointAsync(shard, Gradient(stats.Length, 0), checkpoints: 2))[0];
        (ShardCheckpointRecord record, _) = await StoredRecordAsync(shard);
        string lost = record.Checkpoints.Single(c => c.Id == 2).Blob.Name;
        await Blobs.DeleteAsync(lost);

        var e = await Assert.ThrowsAsync<CheckpointBlobException>(() => shard.RestoreAsync(2));

        Assert.Equal(lost, e.BlobName);
        Assert.Contains($"Checkpoint blob '{lost}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("is missing", e.Message, StringComparison.Ordinal);
        Assert.Equal([1L], (await shard.GetStatsAsync()).Checkpoints);
        Assert.Equal(1, await shard.RestoreAsync(1));
        Assert.Equal(atOne, await ReadAsync(shard));
    }

    [Fact]
    public async Task A_reactivated_shard_skips_a_corrupt_newest_checkpoint_and_loads_the_one_before()
    {
        string job = NewJob("reactivate");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Asp, workers: 1));
        float[] atOne = (await PushAndCheckpointAsync(shard, Gradient(stats.Length, 0), checkpoints: 2))[0];
        (ShardCheckpointRecord record, _) = await StoredRecordAsync(shard);
        BlobReference newest = record.Checkpoints.Single(c => c.Id == 2).Blob;
        byte[] damaged = await Blobs.ReadAllBytesAsync(newest.Name);
        damaged[damaged.Length / 2] ^= 0x01;
        await Blobs.WriteAsync(newest.Name, damaged);

        await shard.RetireAsync();
        ShardStats after = await RetryAsync(async () =>
        {
            ShardStats s = await shard.GetStatsAsync();
            return s.Checkpoints.Count == 1 ? s : null;
        });

        Assert.Equal([1L], after.Checkpoints);
        Assert.Equal(1, after.Version);
        Assert.Equal(atOne, await ReadAsync(shard));
    }

    /// <summary>Asks until the answer is not null: the retired activation may still answer the first calls.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T?>> ask)
        where T : class
    {
        for (int i = 0; ; i++)
        {
            if (await ask() is T answer)
            {
                return answer;
            }

            Assert.True(i < 200, "the shard was never reactivated");
            await Task.Delay(50);
        }
    }
}
