using System.Security.Cryptography;
using OrleansML.Learning.Data.Synthetic;
using OrleansML.Learning.Models.Files;

namespace OrleansML.Training.Tests.Transfer;

/// <summary>
/// A model larger than Orleans' message limit (<c>MaxMessageBodySize</c>, 100 MB by default, unchanged here) trains,
/// saves and downloads through a 2-silo cluster with the default <c>OrleansML:Transfer:MaxMessageBytes</c> (16 MiB).
/// Hashed logistic regression with 2^26 buckets has 67,108,865 parameters, 268 MB in one shard: sent whole, the
/// shard's slice or the model file would be dropped by Orleans after the caller's full timeout.
/// </summary>
public sealed class LargeModelTransferTests(ITestOutputHelper output)
{
    private const int HashBits = 26;
    private const long OrleansDefaultMaxMessageBodySize = 100 * 1024 * 1024;

    [Fact]
    public async Task A_model_over_the_message_limit_trains_saves_and_downloads_with_the_shards_bytes()
    {
        using var directory = new TempDirectory();
        var model = new ModelSpec { Kind = ModelKind.HashedLogisticRegression, HashBits = HashBits };
        int parameterCount = model.Create().ParameterCount;
        Assert.True((long)parameterCount * sizeof(float) > OrleansDefaultMaxMessageBodySize, "the model must not fit one Orleans message");
        var data = new ClickThroughOptions { RowCount = 4000, FeatureCount = 1 << 20, FeaturesPerRow = 12, Seed = 23 };
        TrainingSpec spec = TrainingData.ClickThroughJob(directory.Path, "big-model", model, data, partitions: 1) with
        {
            // One worker: each holds two model-sized buffers, and the test stays near 5 GB.
            Workers = 1,
            Shards = 1,
            Epochs = 1,
            BatchSize = 500,
        };

        InProcessTestCluster cluster = await TrainingClusters.DeployAsync(2);
        try
        {
            JobStatus status = await JobRuns.RunAsync(cluster.Client, spec, TimeSpan.FromMinutes(3));
            Assert.True(status.State == JobState.Completed, $"job ended {status.State}: {status.FailureReason}");
            Assert.NotNull(status.ModelName);

            // Through the client's own download, which fetches the file in parts and checks its SHA-256.
            var client = new OrleansMLClient(cluster.Client);
            byte[] file = await client.DownloadModelFileAsync(status.ModelName, status.ModelVersion!.Value);
            SavedModel saved = ModelFile.Deserialize(file, "downloaded");
            Assert.Equal(model, saved.Header.Model);
            Assert.Equal(parameterCount, saved.Parameters.Length);

            // The shard refuses to send its slice whole, at once rather than after a timeout, and gives it in ranges.
            IParameterShardGrain shard = cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, 0));
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.ReadParametersAsync());
            Assert.Contains("OrleansML:Transfer:MaxMessageBytes", refused.Message, StringComparison.Ordinal);
            float[] held = await ReadShardAsync(shard, parameterCount);

            int trained = held.Count(w => w != 0);
            Assert.True(trained > 1000, $"only {trained} parameters moved from zero: the job did not train");
            Assert.Equal(Sha256(held), Sha256(saved.Parameters));
            Assert.Equal(held[^1], saved.Parameters[^1]);
            output.WriteLine($"{parameterCount:N0} parameters, model file {file.Length:N0} bytes; {trained:N0} trained; train loss {status.History[^1].TrainLoss:F4}; job {status.History.Sum(e => e.Seconds):F1} s");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static async Task<float[]> ReadShardAsync(IParameterShardGrain shard, int length)
    {
        var values = new float[length];
        int perRange = new Grains.Transfer.TransferOptions().FloatsPerMessage;
        foreach ((long offset, int count) in OrleansML.Transfer.TransferRanges.Split(length, perRange))
        {
            FloatTensor range = await shard.ReadParameterRangeAsync((int)offset, count);
            range.Values.CopyTo(values, offset);
        }

        return values;
    }

    private static string Sha256(float[] values) => Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));
}
