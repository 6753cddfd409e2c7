using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Readers;

namespace OrleansML.Training.Tests.Modes;

/// <summary>
/// Fashion-MNIST (60k train in 4 partitions, 10k test in 2) and a 2-silo cluster, shared by the Fashion tests.
/// The data comes from <c>$ORLEANSML_FASHION_MNIST</c> or the Debian package's directory; when it is absent the
/// fixture throws <see cref="FileNotFoundException"/> saying how to install it, so every test fails loudly
/// rather than skipping. The fp32 softmax job runs once and is shared by the accuracy test and the fp16
/// comparison.
/// </summary>
public sealed class FashionModeFixture : ClusterFixture, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Lock _softmaxGate = new();
    private Task<JobStatus>? _softmax;

    public FashionModeFixture()
        : base(2)
    {
        string directory = Environment.GetEnvironmentVariable("ORLEANSML_FASHION_MNIST") ?? FashionMnist.DefaultDirectory;
        Data = FashionMnist.Load(directory);
        PartitionedDataset.Write(_directory.Path, "fashion-train", Data.Train, 4);
        PartitionedDataset.Write(_directory.Path, "fashion-test", Data.Test, 2);
        TrainManifest = TrainingData.Manifest(_directory.Path, "fashion-train");
        TestManifest = TrainingData.Manifest(_directory.Path, "fashion-test");
    }

    public FashionMnistData Data { get; }

    public string TrainManifest { get; }

    public string TestManifest { get; }

    /// <summary>The uncompressed softmax job's final status, run on first use.</summary>
    public async Task<JobStatus> SoftmaxAsync(Func<TrainingSpec> spec, TimeSpan timeout)
    {
        Task<JobStatus> run;
        lock (_softmaxGate)
        {
            run = _softmax ??= JobRuns.RunAsync(Cluster.Client, spec(), timeout);
        }

        return await run;
    }

    /// <summary>Runs after <see cref="DisposeAsync"/>: the silos no longer read the files.</summary>
    public void Dispose() => _directory.Dispose();
}
