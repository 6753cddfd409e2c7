using OrleansML.Cli;
using OrleansML.Client;
using OrleansML.Jobs;
using OrleansML.Learning.Data.Readers;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;
using OrleansML.Learning.Training;

namespace OrleansML.Benchmarks.Peers;

/// <summary>
/// OrleansML's settings for both tasks, shared by its two peers so they differ only in where they run: the demo's
/// (Adam 0.002 with a cosine schedule over the run, batch 128, 10 epochs, BSP on 2 workers and 2 shards).
/// </summary>
internal static class OrleansMLSettings
{
    public const int Epochs = 10;
    public const int BatchSize = 128;
    public const int TrainPartitions = 8;

    public static ModelSpec Model(PeerTask task) => task == PeerTask.Softmax
        ? new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = FashionMnist.PixelCount, ClassCount = 10 }
        : new ModelSpec { Kind = ModelKind.Mlp, FeatureCount = FashionMnist.PixelCount, ClassCount = 10, HiddenLayers = [128] };

    public static OptimizerSettings Optimizer(int trainRows) => new()
    {
        Kind = OptimizerKind.Adam,
        LearningRate = 0.002f,
        Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Cosine, DecaySteps = (long)Epochs * ((trainRows + BatchSize - 1) / BatchSize) },
    };

    public static LocalTrainerOptions LocalOptions(int trainRows) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        Seed = 7,
        Optimizer = Optimizer(trainRows),
        ReshuffleRowsEachEpoch = true,
    };

    /// <summary>The demo's job on the partitioned datasets of <paramref name="trainManifest"/> and <paramref name="testManifest"/>.</summary>
    public static TrainingSpec Spec(PeerTask task, string trainManifest, string testManifest, int trainRows) => new()
    {
        Model = Model(task),
        Data = new DataSpec { TrainManifest = trainManifest, TestManifest = testManifest },
        Optimizer = Optimizer(trainRows),
        Epochs = Epochs,
        BatchSize = BatchSize,
        Seed = 7,
    };
}

/// <summary>OrleansML's <see cref="LocalTrainer"/> on one thread: the COST baseline.</summary>
internal sealed class LocalTrainerPeer : IPeer
{
    public string Name => "orleansml-local-1thread";

    public Task<PeerRun> RunAsync(PeerTask task, PeerData data, CancellationToken cancellationToken)
    {
        TrainingResult result = new LocalTrainer(OrleansMLSettings.Model(task).Create(), OrleansMLSettings.LocalOptions(data.Train.RowCount)).Train(data.Train, data.Test, cancellationToken: cancellationToken);
        List<CurvePoint> curve = PeerRun.Cumulative(result.Epochs.Select(e => (e.Epoch, e.TrainingTime.TotalSeconds, e.Test?.Accuracy?.Value ?? double.NaN)));
        return Task.FromResult(new PeerRun(Name, task, curve, PeerRun.AccuracyByEpoch(curve)));
    }
}

/// <summary>
/// One embedded cluster of two silos in this process, started as <c>orleansml demo</c> starts it and shared by every
/// cluster peer across tasks and rounds; its start is measured once and printed, not counted in time to target.
/// </summary>
internal sealed class SharedEmbeddedCluster : IAsyncDisposable
{
    private readonly WorkDirectory _state = new("peers-state");
    private ClusterSession? _session;

    /// <summary>Seconds from the first silo's start until the cluster took traffic (0 before the first use).</summary>
    public double StartSeconds { get; private set; }

    public async Task<OrleansMLClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_session is null)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            _session = await CliContext.StartEmbeddedAsync(2, _state.Path, cancellationToken);
            StartSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        return _session.Client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        _state.Dispose();
    }
}

/// <summary>
/// OrleansML on the shared embedded cluster, 2 workers and 2 shards, in one consistency mode: BSP (the demo's
/// <c>--mode Bsp</c>) or model averaging (local SGD: each worker runs <c>averagingInterval</c> local Adam steps between
/// averages, and the shards step with block momentum <paramref name="averagingMomentum"/>, null for the spec's
/// default; the demo's mode).
/// </summary>
internal sealed class EmbeddedClusterPeer(SharedEmbeddedCluster cluster, Jobs.ConsistencyMode mode, int averagingInterval, double? averagingMomentum) : IPeer
{
    public string Name { get; } = mode == Jobs.ConsistencyMode.Bsp ? "orleansml-cluster-bsp" : $"orleansml-cluster-averaging{averagingInterval}";

    public async Task<PeerRun> RunAsync(PeerTask task, PeerData data, CancellationToken cancellationToken)
    {
        OrleansMLClient client = await cluster.ClientAsync(cancellationToken);
        TrainingSpec spec = OrleansMLSettings.Spec(task, data.TrainManifest, data.TestManifest, data.Train.RowCount) with
        {
            JobId = $"peers-{task.Label()}-{Guid.NewGuid():N}",
            ModelName = $"peers-{task.Label()}",
            Mode = mode,
            AveragingInterval = averagingInterval,
            AveragingMomentum = averagingMomentum,
            Workers = 2,
            Shards = 2,
        };
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        TrainingJob job = await client.StartTrainingAsync(spec, cancellationToken);
        JobStatus status = await job.WaitForCompletionAsync(cancellationToken);
        double wall = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (status.State != JobState.Completed)
        {
            return new PeerRun(Name, task, [], $"job ended {status.State}: {status.FailureReason}");
        }

        List<CurvePoint> curve = PeerRun.Cumulative(status.History.Select(e => (e.Epoch, e.Seconds, e.TestAccuracy ?? double.NaN)));
        double seconds = status.History.Sum(e => e.Seconds);

        // Where the time went: the job's wall time beyond its epochs is the coordinator's (loading, checkpoints,
        // evaluation, saves); an epoch's beyond the workers' own clocks is neither compute nor messages.
        string split = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"job {wall:F2} s from start to completion, epochs {seconds:F2} s: worker compute {status.History.Sum(e => e.ComputeSeconds):F2} s, pulls and pushes {status.History.Sum(e => e.CommunicationSeconds):F2} s (means over workers); {PeerRun.AccuracyByEpoch(curve)}");
        return new PeerRun(Name, task, curve, split);
    }
}
