using System.Numerics.Tensors;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Readers;
using OrleansML.Learning.Kernels;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>The fused softmax gradient over full passes of a 60000 x 784 matrix with 10 classes.</summary>
public sealed class SoftmaxGradientBenchmark
{
    public const int Classes = 10;

    /// <summary>Timed full passes per round (about 30 ms each); the fastest is kept.</summary>
    public const int FullPasses = 10;

    private readonly float[] _features;
    private readonly float[] _labels;
    private readonly float[] _weights;
    private readonly float[] _bias = new float[Classes];
    private readonly float[] _weightGradient;
    private readonly float[] _biasGradient = new float[Classes];
    private readonly float[] _scratch;
    private readonly float[] _logits = new float[Classes];
    private readonly int _blockRows;
    private double _loss;
    private double _bestFused;
    private double _bestBaseline;

    /// <summary>Loads Fashion-MNIST and random small weights.</summary>
    public SoftmaxGradientBenchmark(int blockRows)
    {
        _blockRows = blockRows;
        // The real training set, not random numbers: the issue measures the kernel on it, and a missing
        // dataset is an error that says how to install it (FashionMnist.Load's message).
        DenseDataset train = FashionMnist.Load(FashionMnistSource.Directory).Train;
        (_features, _labels, Columns) = (train.FeatureArray, train.LabelArray, train.ColumnCount);
        var random = new Random(17);
        _weights = new float[Classes * Columns];
        for (int i = 0; i < _weights.Length; i++)
        {
            _weights[i] = (float)((random.NextDouble() - 0.5) * 0.02);
        }

        _weightGradient = new float[Classes * Columns];
        _scratch = new float[blockRows * Classes];
    }

    public int Columns { get; }

    public double RowsPerSecond => _bestFused;

    /// <summary>
    /// FLOPs per row: forward logits 2·D·K, backward gradW 2·D·K, and per class a bias add, a maximum, a
    /// subtract, an exponential, a sum, a normalise and a bias-gradient add (7·K, each counted as one).
    /// </summary>
    public double FlopsPerRow => (4.0 * Columns * Classes) + (7.0 * Classes);

    /// <summary>Bytes per row streamed from RAM: the features and the label.</summary>
    public double BytesPerRow => (Columns + 1) * sizeof(float);

    /// <summary>Runs one round: the fused kernel over full passes, then the per-row library baseline.</summary>
    public void MeasureRound()
    {
        int rows = _labels.Length;
        double fusedSeconds = Measurement.BestSeconds(
            () =>
            {
                Array.Clear(_weightGradient);
                Array.Clear(_biasGradient);
                _loss = FusedSoftmaxGradientKernel.Accumulate(
                    _features, _labels, rows, Columns, _weights, _bias, Classes, _weightGradient, _biasGradient, _scratch, _blockRows);
            },
            repetitions: FullPasses);

        // Baseline: the same computation with one TensorPrimitives call per (row, class), on a tenth of
        // the rows because it is several times slower.
        int baselineRows = rows / 10;
        double baselineSeconds = Measurement.BestSeconds(() => LibraryPerRow(baselineRows), repetitions: 3);
        _bestFused = Math.Max(_bestFused, rows / fusedSeconds);
        _bestBaseline = Math.Max(_bestBaseline, baselineRows / baselineSeconds);
    }

    public void Report()
    {
        Console.WriteLine($"softmax data: Fashion-MNIST train, {_labels.Length} x {Columns}, K={Classes}, block {_blockRows} rows, mean loss {_loss / _labels.Length:F4}");
        Measurement.Report("fused softmax gradient", _bestFused / 1e6, "M rows/s", "TensorPrimitives per row", _bestBaseline / 1e6);
    }

    private void LibraryPerRow(int rows)
    {
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> x = _features.AsSpan(row * Columns, Columns);
            for (int k = 0; k < Classes; k++)
            {
                _logits[k] = TensorPrimitives.Dot(x, _weights.AsSpan(k * Columns, Columns)) + _bias[k];
            }

            TensorPrimitives.SoftMax(_logits, _logits);
            _logits[(int)_labels[row]] -= 1f;
            for (int k = 0; k < Classes; k++)
            {
                Span<float> gradientRow = _weightGradient.AsSpan(k * Columns, Columns);
                TensorPrimitives.MultiplyAdd(x, _logits[k], gradientRow, gradientRow);
                _biasGradient[k] += _logits[k];
            }
        }
    }
}
