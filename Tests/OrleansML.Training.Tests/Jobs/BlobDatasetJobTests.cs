using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Storage;

namespace OrleansML.Training.Tests.Jobs;

/// <summary>Jobs whose data is in the cluster's blob store (<c>blob:</c> references): the workers, the drivers and
/// the coordinator's validation read it through the silos' <see cref="IBlobStore"/>.</summary>
public sealed class BlobDatasetJobTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private IBlobStore Store => TrainingClusters.BlobStoreOf(fixture.Cluster);

    /// <summary>Writes the train and test sets into the cluster's store and returns their references.</summary>
    private async Task<DataSpec> UploadAsync(DenseDataset data, string prefix)
    {
        (DenseDataset train, DenseDataset test) = DatasetOperations.SplitTrainTest(data, 0.2, seed: 7); // as TrainingData.Write splits
        await PartitionedBlobDataset.WriteAsync(Store, prefix, "train", train, 4);
        await PartitionedBlobDataset.WriteAsync(Store, prefix, "test", test, 2);
        return new DataSpec
        {
            TrainManifest = DatasetReference.ForBlob(PartitionedBlobDataset.ManifestBlobName(prefix, "train")),
            TestManifest = DatasetReference.ForBlob(PartitionedBlobDataset.ManifestBlobName(prefix, "test")),
        };
    }

    [Fact]
    public async Task A_bsp_job_trains_from_blob_data_exactly_as_from_the_same_files_on_disk()
    {
        DenseDataset data = TrainingData.Linear();
        DataSpec blobs = await UploadAsync(data, $"datasets/{Guid.NewGuid():N}");
        var local = TrainingData.Write(_directory.Path, data, partitions: 4, "linear");
        TrainingSpec fromBlobs = LinearSpec(blobs);
        TrainingSpec fromFiles = LinearSpec(new DataSpec { TrainManifest = local.Train, TestManifest = local.Test });

        JobStatus blobRun = await JobRuns.RunAsync(fixture.Cluster.Client, fromBlobs, Timeout);
        JobStatus fileRun = await JobRuns.RunAsync(fixture.Cluster.Client, fromFiles, Timeout);

        Assert.True(blobRun.State == JobState.Completed, $"{blobRun.State}: {blobRun.FailureReason}");
        Assert.True(fileRun.State == JobState.Completed, $"{fileRun.State}: {fileRun.FailureReason}");
        Assert.Equal(fileRun.History.Sum(h => h.Examples), blobRun.History.Sum(h => h.Examples));
        Assert.True(blobRun.History[^1].TrainLoss < blobRun.History[0].TrainLoss);
        // BSP replays the same batches in the same order from the same bytes: the same losses.
        Assert.Equal(fileRun.History.Count, blobRun.History.Count);
        for (int e = 0; e < fileRun.History.Count; e++)
        {
            double expected = fileRun.History[e].TrainLoss;
            Assert.True(Math.Abs(expected - blobRun.History[e].TrainLoss) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"epoch {e + 1}: files {expected}, blobs {blobRun.History[e].TrainLoss}");
        }
    }

    [Fact]
    public async Task An_lbfgs_job_trains_from_blob_data_and_keeps_its_state_in_two_blobs()
    {
        DataSpec blobs = await UploadAsync(TrainingData.Logistic(), $"datasets/{Guid.NewGuid():N}");
        TrainingSpec spec = new()
        {
            JobId = JobRuns.NewJobId("blob-lbfgs"),
            Model = new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = 16 },
            Data = blobs,
            Mode = ConsistencyMode.Lbfgs,
            Workers = 2,
            LbfgsIterations = 30,
            LbfgsIterationsPerEpoch = 10,
        };

        JobStatus status = await JobRuns.RunAsync(fixture.Cluster.Client, spec, Timeout);

        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.FailureReason}");
        Assert.True(status.History[^1].TestAccuracy > 0.8, $"test accuracy {status.History[^1].TestAccuracy}");
        List<string> states = await Store.ListAsync($"checkpoints/{spec.JobId}/lbfgs/").ToListAsync();
        Assert.InRange(states.Count, 1, 2);
        Assert.All(states, s => Assert.EndsWith(".omlb", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_blob_reference_the_store_does_not_hold_is_refused_at_start_naming_the_field_blob_and_store()
    {
        DataSpec blobs = await UploadAsync(TrainingData.Linear(rows: 500), $"datasets/{Guid.NewGuid():N}");
        string missing = $"datasets/{Guid.NewGuid():N}/train.manifest.json";
        TrainingSpec spec = LinearSpec(blobs with { TrainManifest = DatasetReference.ForBlob(missing) });
        ITrainingJobGrain job = fixture.Cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);

        TrainingSpecValidator.Validate(spec); // a client cannot reach the store: it checks the syntax only
        var error = await Assert.ThrowsAsync<TrainingSpecException>(() => job.StartAsync(spec));

        Assert.Equal("data.trainManifest", error.Field);
        Assert.Equal($"data.trainManifest: blob '{missing}' not found in the cluster's blob store ({Store.Location}).", error.Message);
        Assert.Null(await job.GetSpecAsync());

        TrainingSpec tooManyWorkers = LinearSpec(blobs) with { Workers = 5 };
        var workers = await Assert.ThrowsAsync<TrainingSpecException>(() => fixture.Cluster.Client.GetGrain<ITrainingJobGrain>(tooManyWorkers.JobId!).StartAsync(tooManyWorkers));
        Assert.Equal("workers", workers.Field);
        Assert.Contains("5 workers need at least 5 partitions", workers.Message, StringComparison.Ordinal);
    }

    private static TrainingSpec LinearSpec(DataSpec data) => new()
    {
        JobId = JobRuns.NewJobId("blob-data"),
        Model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 16 },
        Data = data,
        Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.05f },
        Workers = 2,
        Epochs = 3,
        BatchSize = 64,
    };
}
