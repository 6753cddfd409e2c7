using System.Numerics.Tensors;
using OrleansML.Learning.Kernels;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>The fused softmax gradient over a full pass of a 60000 x 784 matrix with 10 classes.</summary>
public static class SoftmaxGradientBenchmark
{
    /// <summary>Timed full passes over the 60000 rows (about 30 ms each); the fastest is reported.</summary>
    public const int FullPasses = 10;

    /// <summary>Classes of Fashion-MNIST.</summary>
    public const int Classes = 10;

    /// <summary>
    /// FLOPs per row: forward logits 2·D·K, backward gradW 2·D·K, and per class a bias add, a maximum, a
    /// subtract, an exponential, a sum, a normalise and a bias-gradient add (7·K, each counted as one).
    /// </summary>
    public static double FlopsPerRow(int columns) => (4.0 * columns * Classes) + (7.0 * Classes);

    /// <summary>Bytes per row streamed from RAM: the features and the label.</summary>
    public static double BytesPerRow(int columns) => (columns + 1) * sizeof(float);

    /// <summary>Measures and prints; returns rows per second of the fused kernel and the column count.</summary>
    public static (double RowsPerSecond, int Columns) Run(int blockRows)
    {
        var (features, labels, columns, source) = LoadData();
        int rows = labels.Length;
        var random = new Random(17);
        float[] weights = new float[Classes * columns];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)((random.NextDouble() - 0.5) * 0.02);
        }

        float[] bias = new float[Classes];
        float[] weightGradient = new float[Classes * columns];
        float[] biasGradient = new float[Classes];
        float[] scratch = new float[blockRows * Classes];
        double loss = 0;
        double fusedSeconds = Measurement.BestSeconds(() =>
        {
            Array.Clear(weightGradient);
            Array.Clear(biasGradient);
            loss = FusedSoftmaxGradientKernel.Accumulate(features, labels, rows, columns, weights, bias, Classes, weightGradient, biasGradient, scratch, blockRows);
        }, repetitions: FullPasses);

        // Baseline: the same computation with one TensorPrimitives call per (row, class), measured on a
        // tenth of the rows because it is several times slower.
        int baselineRows = rows / 10;
        float[] logits = new float[Classes];
        double baselineSeconds = Measurement.BestSeconds(
            () => LibraryPerRow(features, labels, baselineRows, columns, weights, bias, weightGradient, biasGradient, logits),
            repetitions: 3);

        Console.WriteLine($"softmax data: {source}, {rows} x {columns}, K={Classes}, block {blockRows} rows, mean loss {loss / rows:F4}");
        Measurement.Report("fused softmax gradient", rows / fusedSeconds / 1e6, "M rows/s", "TensorPrimitives per row", baselineRows / baselineSeconds / 1e6);
        return (rows / fusedSeconds, columns);
    }

    private static (float[] Features, float[] Labels, int Columns, string Source) LoadData()
    {
        var loaded = FashionMnistImages.TryLoadTraining();
        if (loaded is { } data)
        {
            return (data.Features, data.Labels, data.Columns, "Fashion-MNIST train");
        }

        const int rows = 60_000, columns = 784;
        var random = new Random(5);
        float[] features = new float[rows * columns];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = random.NextSingle();
        }

        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = random.Next(Classes);
        }

        return (features, labels, columns, "random [0,1) (Fashion-MNIST not found)");
    }

    private static void LibraryPerRow(
        float[] features, float[] labels, int rows, int columns, float[] weights, float[] bias, float[] weightGradient, float[] biasGradient, float[] logits)
    {
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> x = features.AsSpan(row * columns, columns);
            for (int k = 0; k < Classes; k++)
            {
                logits[k] = TensorPrimitives.Dot(x, weights.AsSpan(k * columns, columns)) + bias[k];
            }

            TensorPrimitives.SoftMax(logits, logits);
            logits[(int)labels[row]] -= 1f;
            for (int k = 0; k < Classes; k++)
            {
                Span<float> gradientRow = weightGradient.AsSpan(k * columns, columns);
                TensorPrimitives.MultiplyAdd(x, logits[k], gradientRow, gradientRow);
                biasGradient[k] += logits[k];
            }
        }
    }
}
