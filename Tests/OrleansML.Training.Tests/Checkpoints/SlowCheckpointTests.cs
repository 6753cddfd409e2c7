using Orleans.Configuration;
using OrleansML.Grains.Shards;
using OrleansML.Learning.Storage;
using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Checkpoints;

/// <summary>A cluster whose silos and client time calls out after <see cref="ResponseTimeout"/> and whose blob store
/// (<see cref="Store"/>) takes longer than that for every checkpoint write.</summary>
public sealed class SlowCheckpointCluster : ClusterFixture
{
    /// <summary>Above the 5 s the job runner's status long-poll waits.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(6);

    public static readonly TimeSpan CheckpointTimeout = TimeSpan.FromSeconds(15);

    public SlowCheckpointCluster()
        : this(new SlowCheckpointStore(new LocalDirectoryBlobStore(NewDirectory())))
    {
    }

    private SlowCheckpointCluster(SlowCheckpointStore store)
        : base(() => TrainingClusters.DeployAsync(
            1,
            jobs => jobs.WorkerRunSlice = TimeSpan.FromSeconds(1),
            shards =>
            {
                shards.CheckpointTimeout = CheckpointTimeout;
                shards.PullWaitTimeout = TimeSpan.FromSeconds(4);
            },
            builder =>
            {
                builder.ConfigureSilo((_, silo) =>
                {
                    silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
                    silo.Services.AddSingleton<IBlobStore>(store);
                });
                builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout));
            }))
    {
        Store = store;
    }

    public SlowCheckpointStore Store { get; }

    private static string NewDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "orleansml-slow-blobs-" + Guid.NewGuid().ToString("N")[..10]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Never created: nothing to clean.
            }
        };
        return directory;
    }
}

/// <summary>Checkpoints that outlast Orleans' response timeout: they complete, a retry joins the write under way, and a
/// store that never finishes fails the call by the shard's own timeout, leaving no blob.</summary>
public sealed class SlowCheckpointTests(SlowCheckpointCluster fixture) : IClassFixture<SlowCheckpointCluster>
{
    private SlowCheckpointStore Store => fixture.Store;

    private IParameterShardGrain Shard(string job) => fixture.Cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, 0));

    private async Task<List<string>> BlobsAsync(string job) =>
        await Store.ListAsync(ParameterShardGrain.CheckpointFolder(Assignment(job, ConsistencyMode.Asp), ShardLayout.ShardKey(job, 0)) + "/").ToListAsync();

    private static string Checkpoint(string job, long id) =>
        $"{ParameterShardGrain.CheckpointFolder(Assignment(job, ConsistencyMode.Asp), ShardLayout.ShardKey(job, 0))}/{id:D12}-";

    [Fact]
    public async Task A_checkpoint_slower_than_the_response_timeout_completes_and_a_repeated_call_joins_its_write()
    {
        string job = NewJob("slow");
        IParameterShardGrain shard = Shard(job);
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Asp, workers: 1));
        Store.Delay = SlowCheckpointCluster.ResponseTimeout + TimeSpan.FromSeconds(2);

        await shard.CheckpointAsync(1);
        await shard.BeginAsync(1);
        await shard.PushAsync(Dense(1, 0, 0, 1, Gradient(stats.Length, 0)));
        // The caller gave up and asked again while the first write was under way: one snapshot, one blob.
        await Task.WhenAll(shard.CheckpointAsync(2), shard.CheckpointAsync(2));
        await shard.CheckpointAsync(2);

        Assert.Equal([1L, 2L], (await shard.GetStatsAsync()).Checkpoints);
        Assert.Equal(1, Store.WritesOf(Checkpoint(job, 2)));
        Assert.Equal(2, (await BlobsAsync(job)).Count);
        Assert.Equal(1, await shard.RestoreAsync(2));
    }

    [Fact]
    public async Task A_checkpoint_the_store_never_finishes_fails_by_the_shards_timeout_and_leaves_no_blob()
    {
        string job = NewJob("hang");
        IParameterShardGrain shard = Shard(job);
        await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Asp, workers: 1));

        var e = await Assert.ThrowsAsync<TimeoutException>(() => shard.CheckpointAsync(1));

        Assert.Contains("ParameterShardOptions.CheckpointTimeout", e.Message, StringComparison.Ordinal);
        Assert.Contains("checkpoint 1", e.Message, StringComparison.Ordinal);
        Assert.Empty((await shard.GetStatsAsync()).Checkpoints);
        Assert.Empty(await BlobsAsync(job));
    }

    [Fact]
    public async Task A_job_whose_checkpoints_outlast_the_response_timeout_completes_with_one_blob_per_held_checkpoint()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Linear(rows: 600, features: 8), partitions: 2, "slow-ckpt");
        Store.Delay = SlowCheckpointCluster.ResponseTimeout + TimeSpan.FromSeconds(1);
        var spec = new TrainingSpec
        {
            JobId = JobRuns.NewJobId("slow-ckpt"),
            Model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 8 },
            Data = new DataSpec { TrainManifest = data.Train, TestManifest = data.Test },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.05f },
            Mode = ConsistencyMode.Bsp,
            Workers = 2,
            Shards = 2,
            Epochs = 2,
            BatchSize = 64,
            Elastic = false,
        };

        JobStatus status = await JobRuns.RunAsync(fixture.Cluster.Client, spec, TimeSpan.FromMinutes(4));

        Assert.True(status.State == JobState.Completed, $"job ended {status.State}: {status.FailureReason}");
        ShardStats[] shards = await JobRuns.ShardStatsAsync(fixture.Cluster.Client, spec);
        for (int i = 0; i < shards.Length; i++)
        {
            string folder = ParameterShardGrain.CheckpointFolder(Assignment(spec.JobId!, ConsistencyMode.Bsp), ShardLayout.ShardKey(spec.JobId!, i));
            List<string> blobs = await Store.ListAsync(folder + "/").ToListAsync();
            Assert.Equal(shards[i].Checkpoints.Count, blobs.Count);
            Assert.Equal(shards[i].Checkpoints.Select(id => id.ToString("D12", CultureInfo.InvariantCulture)), blobs.Select(b => b[(folder.Length + 1)..][..12]));
        }

        Assert.True(shards[0].Checkpoints.Count >= 2, $"checkpoints [{string.Join(", ", shards[0].Checkpoints)}]");
    }
}
