using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Readers;

namespace OrleansML.Benchmarks.Peers;

/// <summary>
/// ML.NET's multiclass linear trainers in this process (softmax only: ML.NET has no MLP trainer). They have no
/// epochs, so a run is one fit, timed, then evaluated: its time to target is the fit's time when the fit reaches
/// the target. "Tuned" SDCA is the setting (L2 1e-3, 7 iterations); "tuned" L-BFGS (L2 1e-3, tolerance 1e-4) is
/// a guess not yet searched, and neither reached 0.840 here; the defaults are ML.NET's own.
/// </summary>
internal sealed class MlNetPeer(string name, Func<MulticlassClassificationCatalog.MulticlassClassificationTrainers, IEstimator<ITransformer>> trainer) : IPeer
{
    private static readonly MLContext s_context = new(seed: 7);
    private IDataView? _train;
    private IDataView? _test;

    public string Name { get; } = name;

    public static IEnumerable<MlNetPeer> All() =>
    [
        new("mlnet-sdca-tuned", t => t.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options { L2Regularization = 1e-3f, MaximumNumberOfIterations = 7 })),
        new("mlnet-lbfgs-tuned", t => t.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { L1Regularization = 0, L2Regularization = 1e-3f, OptimizationTolerance = 1e-4f })),
        new("mlnet-lbfgs-defaults", t => t.LbfgsMaximumEntropy()),
    ];

    public bool Supports(PeerTask task) => task == PeerTask.Softmax;

    public Task<PeerRun> RunAsync(PeerTask task, PeerData data, CancellationToken cancellationToken)
    {
        // Cached in memory before the clock starts, as OrleansML's partitions and the Python peers' arrays are.
        _train ??= s_context.Data.Cache(s_context.Data.LoadFromEnumerable(Rows(data.Train)));
        _test ??= s_context.Data.Cache(s_context.Data.LoadFromEnumerable(Rows(data.Test)));
        IEstimator<ITransformer> estimator = trainer(s_context.MulticlassClassification.Trainers);
        long started = Stopwatch.GetTimestamp();
        ITransformer model = estimator.Fit(_train);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        MulticlassClassificationMetrics metrics = s_context.MulticlassClassification.Evaluate(model.Transform(_test));
        return Task.FromResult(new PeerRun(Name, task, [new CurvePoint(1, seconds, metrics.MicroAccuracy)], "one fit"));
    }

    private static IEnumerable<MlNetRow> Rows(DenseDataset dataset)
    {
        for (int row = 0; row < dataset.RowCount; row++)
        {
            // ML.NET key labels count from 1 (0 means missing).
            yield return new MlNetRow { Features = dataset.Row(row).ToArray(), Label = (uint)dataset.Labels[row] + 1 };
        }
    }

    private sealed class MlNetRow
    {
        [VectorType(FashionMnist.PixelCount)]
        public float[] Features { get; set; } = [];

        [KeyType(FashionMnist.ClassCount)]
        public uint Label { get; set; }
    }
}
