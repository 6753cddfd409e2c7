using System.Diagnostics;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Workers;

namespace OrleansML.Training.Tests.Faults;

/// <summary>A job that cannot continue fails within bounded time with a reason that says why; no silo suffers.</summary>
[Collection(FaultTestGroup.Name)]
public sealed class BadInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DamagedPartitionFailsTheJobNamingTheFileAndEverySiloKeepsServing()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "damaged");
        TrainingSpecValidator.Validate(spec);

        // Damage the payload (not the header) of partition 1 after validation passed: only its checksum can tell.
        string file = Path.Combine(directory.Path, $"data-train.part-00001{PartitionFile.Extension}");
        byte[] bytes = await File.ReadAllBytesAsync(file);
        // The middle of an 800-row file lies far past its 64-byte header.
        for (int i = bytes.Length / 2; i < (bytes.Length / 2) + 8; i++)
        {
            bytes[i] ^= 0x5A;
        }

        await File.WriteAllBytesAsync(file, bytes);
        var clock = Stopwatch.StartNew();
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!, TimeSpan.FromSeconds(30));
        output.WriteLine($"damaged partition: {final.State} after {clock.Elapsed.TotalSeconds:F1} s, {final.Retries} retries: {final.FailureReason}");
        Assert.Equal(JobState.Failed, final.State);
        Assert.Contains(nameof(TrainingDataException), final.FailureReason, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(file), final.FailureReason, StringComparison.Ordinal);
        Assert.Contains("checksum", final.FailureReason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, final.EpochsCompleted);
        Assert.Equal(0, final.Retries); // damaged data does not heal: retrying it would only delay the answer

        // Every silo still serves: a worker placed on each loads the intact held-out set there.
        Assert.Equal(3, cluster.Silos.Count(s => s.IsActive));
        foreach (InProcessSiloHandle silo in cluster.Silos)
        {
            IPartitionWorkerGrain probe = cluster.Client.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey("probe-" + Guid.NewGuid().ToString("N")[..6], 0));
            WorkerLoadInfo? loaded = null;
            await GrainPlacement.ActivateOnAsync(cluster, probe, silo, async () => loaded = await probe.LoadAsync(new WorkerAssignment
            {
                JobId = "probe", WorkerIndex = 0, WorkerCount = 1, TrainManifest = data.Test, Model = spec.Model, ShardCount = 1, StepsPerEpoch = 1,
            }));
            Assert.NotNull(loaded);
            Assert.Equal(FaultCluster.NameOf(silo), loaded.Silo);
            Assert.Equal(data.TestSet.RowCount, loaded.TrainRows);
        }

        // A worker asked to load the damaged partition fails with the typed error, across the wire, naming the file.
        IPartitionWorkerGrain reader = cluster.Client.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey("reader-" + Guid.NewGuid().ToString("N")[..6], 1));
        TrainingDataException error = await Assert.ThrowsAsync<TrainingDataException>(() => reader.LoadAsync(new WorkerAssignment
        {
            JobId = "reader", WorkerIndex = 1, WorkerCount = 4, TrainManifest = data.Train, Model = spec.Model, ShardCount = 1, StepsPerEpoch = 1,
        }));
        Assert.Contains(Path.GetFileName(file), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_the_model_cannot_take_fails_the_job_once_naming_the_partition_and_the_row()
    {
        using var directory = new TempDirectory();
        Learning.Data.DenseDataset clean = TrainingData.Logistic(rows: 400);
        float[] labels = clean.Labels.ToArray();
        labels[5] = 3f; // a logistic regression learns labels in [0, 1] only
        var data = TrainingData.Write(directory.Path, new Learning.Data.DenseDataset(clean.Features.ToArray(), labels, clean.ColumnCount), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(2);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "bad-label");

        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!, TimeSpan.FromSeconds(30));

        output.WriteLine($"bad label: {final.State}, {final.Retries} retries: {final.FailureReason}");
        Assert.Equal(JobState.Failed, final.State);
        Assert.Equal(0, final.Retries);
        // The writer spreads rows over partitions, so the test finds the place from the message and checks it holds the 3.
        System.Text.RegularExpressions.Match place = System.Text.RegularExpressions.Regex.Match(final.FailureReason!,
            @"partition (\d+) \(data-train\.part-\d{5}\.omlp\):(\d+): row \2 of the partition has label 3, but a LogisticRegression model needs labels in \[0, 1\]");
        Assert.True(place.Success, final.FailureReason);
        DatasetManifest manifest = DatasetLocation.Open(data.Train);
        int partition = int.Parse(place.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Learning.Data.DenseDataset written = PartitionedDataset.ReadDensePartition(directory.Path, manifest, partition);
        Assert.Equal(3f, written.Labels[int.Parse(place.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - 1]);
    }

    [Fact]
    public async Task DivergingLearningRateFailsTheJobSayingItDiverged()
    {
        // Squared loss with a learning rate of 1e6 grows the weights geometrically until the loss overflows; a
        // job must not "complete" with such a model (logistic loss would only grow linearly and stay finite).
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Linear(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "diverge") with
        {
            Model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 16 },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 1e6f },
        };
        var clock = Stopwatch.StartNew();
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!, TimeSpan.FromSeconds(30));
        output.WriteLine($"diverging: {final.State} after {clock.Elapsed.TotalSeconds:F1} s, {final.Retries} retries: {final.FailureReason}");
        Assert.Equal(JobState.Failed, final.State);
        Assert.Contains(nameof(ModelDivergedException), final.FailureReason, StringComparison.Ordinal);
        Assert.Contains("diverged", final.FailureReason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, final.Retries); // replaying the same batches from the same checkpoint would diverge again
        Assert.Null(final.ModelVersion);
        Assert.Equal(3, cluster.Silos.Count(s => s.IsActive));
    }

    [Fact]
    public async Task NoRetriesAllowedAndAWorkerSiloDiesFailsTheJobWithTheReason()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        InProcessSiloHandle[] s = [.. cluster.Silos];
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "no-retry") with { MaxEpochRetries = 0, Epochs = 20 };
        await FaultCluster.PinAsync(cluster, spec, coordinator: s[0], shards: [s[0], s[2]], workers: [s[1], s[2]]);
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus before = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, st => st.EpochsCompleted >= 1);
        Assert.False(before.IsFinal, FaultCluster.Describe(before));
        var clock = Stopwatch.StartNew();
        await FaultCluster.KillWithCallsInFlightAsync(cluster, s[1], spec.JobId!, FaultCluster.MidEpochStep(spec, before.EpochsCompleted + 1));
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!, TimeSpan.FromSeconds(30));
        output.WriteLine($"no retries: {final.State} {clock.Elapsed.TotalSeconds:F1} s after the kill: {final.FailureReason}");
        Assert.Equal(JobState.Failed, final.State);
        Assert.Equal(0, final.Retries);
        Assert.Contains($"epoch {final.EpochsCompleted + 1}", final.FailureReason, StringComparison.Ordinal);
        Assert.Contains("SiloUnavailable", final.FailureReason, StringComparison.Ordinal);
        Assert.True(final.EpochsCompleted < spec.Epochs);
    }
}
