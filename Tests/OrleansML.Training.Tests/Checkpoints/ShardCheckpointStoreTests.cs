using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Grains.Checkpoints;
using OrleansML.Grains.Shards;
using OrleansML.Learning.Storage;
using OrleansML.Tests.Shared;
using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Checkpoints;

/// <summary>A shard checkpoint streamed into each blob store and back, as the shard grain does it, through a buffer
/// hundreds of times smaller than the shard; a damaged blob is caught by its length or checksum.</summary>
public sealed class ShardCheckpointStoreTests : IAsyncLifetime, IDisposable
{
    private const int Buffer = 4096;
    private readonly TempDirectory _directory = new();
    private readonly string _container = "ckpt-" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync() => Task.CompletedTask;

    public void Dispose() => _directory.Dispose();

    public async Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("ORLEANSML_TEST_AZURITE") is { Length: > 0 })
        {
            await TestServices.DeleteBlobContainerAsync(_container);
        }
    }

    private IBlobStore Store(string kind) => kind == "azure"
        ? AzureBlobStore.FromConnectionString(TestServices.Azurite, _container, new AzureBlobStoreOptions { TransferBlockBytes = 1 << 20 })
        : new LocalDirectoryBlobStore(_directory.Path);

    private static ShardState State()
    {
        ShardState state = ShardState.Initialize(Assignment("store", ConsistencyMode.Bsp, workers: 2,
            model: new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 300_000 }) with
        {
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.1f },
        });
        state.ApplyGradient(Gradient(state.Length, 1));
        state.RecordStep(1, 0);
        return state;
    }

    private static Task<BlobReference> WriteAsync(CheckpointBlobs blobs, ShardState state) =>
        blobs.WriteAsync("checkpoints/job/shard-0", "000000000001", ".omsc", (stream, token) => ShardCheckpoint.EncodeAsync(stream, 1, ShardCheckpoint.Snapshot(state), Buffer, token));

    private static Task<(long Id, ShardState State)> ReadAsync(CheckpointBlobs blobs, BlobReference blob) =>
        blobs.ReadAsync(blob, (stream, token) => ShardCheckpoint.DecodeAsync(stream, blob.Length, Buffer, token));

    [Theory]
    [InlineData("local")]
    [InlineData("azure")]
    public async Task A_shard_checkpoint_streams_into_the_store_and_back_and_a_damaged_blob_is_refused(string kind)
    {
        IBlobStore store = Store(kind);
        var blobs = new CheckpointBlobs(store, NullLogger.Instance);
        ShardState state = State();

        BlobReference blob = await WriteAsync(blobs, state);
        (long id, ShardState back) = await ReadAsync(blobs, blob);

        Assert.True(blob.Length > 3_600_000, $"{blob.Length} bytes");
        Assert.Equal(1, id);
        Assert.Equal(state.Parameters, back.Parameters);
        Assert.Equal(state.OptimizerState!.Serialize(), back.OptimizerState!.Serialize());
        Assert.Equal(state.LastSteps, back.LastSteps);

        byte[] bytes = await store.ReadAllBytesAsync(blob.Name);
        await store.WriteAsync(blob.Name, bytes.AsMemory(0, bytes.Length - 1000));
        var truncated = await Assert.ThrowsAsync<CheckpointBlobException>(() => ReadAsync(blobs, blob));
        Assert.Contains($"holds {bytes.Length - 1000} bytes, but {bytes.Length} were written", truncated.Message, StringComparison.Ordinal);

        bytes[bytes.Length / 3] ^= 0x40;
        await store.WriteAsync(blob.Name, bytes);
        var corrupt = await Assert.ThrowsAsync<CheckpointBlobException>(() => ReadAsync(blobs, blob));
        Assert.Contains("the checkpoint is corrupt", corrupt.Message, StringComparison.Ordinal);
        Assert.Contains(store.Location, corrupt.Message, StringComparison.Ordinal);
    }
}
