namespace OrleansML.Learning.Tests.Models.Dense;

public class MlpTests
{
    [Theory]
    [InlineData(new[] { 6, 5, 3 }, 11, 4)]
    [InlineData(new[] { 9, 12, 7, 4 }, 10, 64)]
    [InlineData(new[] { 17, 40, 10 }, 7, 3)]
    [InlineData(new[] { 5, 2 }, 6, 64)]
    public void Gradient_matches_finite_differences(int[] sizes, int rows, int blockRows)
    {
        var random = new Random(sizes.Sum() + rows);
        DenseDataset data = GradientCheck.RandomDataset(random, rows, sizes[0], r => r.Next(sizes[^1]));
        var model = new Mlp(sizes, blockRows);
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 5);
        for (int layer = 1; layer < sizes.Length; layer++)
        {
            // Non-zero biases so the check covers their gradient paths through the ReLUs too.
            for (int i = 0; i < sizes[layer]; i++)
            {
                parameters[model.BiasOffset(layer) + i] = (float)((random.NextDouble() - 0.5) * 0.2);
            }
        }

        GradientCheck.Run(model, parameters, DataBatch.All(data), p => ReferenceLoss(data, sizes, p));
    }

    [Fact]
    public void Layout_offsets_and_he_initialisation()
    {
        var model = new Mlp([784, 128, 10]);
        Assert.Equal((784 * 128) + 128 + (128 * 10) + 10, model.ParameterCount);
        Assert.Equal(0, model.WeightOffset(1));
        Assert.Equal(784 * 128, model.BiasOffset(1));
        Assert.Equal((784 * 128) + 128, model.WeightOffset(2));
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 42);
        ReadOnlySpan<float> first = parameters.AsSpan(0, 784 * 128);
        double variance = 0;
        foreach (float w in first)
        {
            variance += w * w;
        }

        Assert.Equal(2.0 / 784, variance / first.Length, 2.0 / 784 * 0.05);
        Assert.All(parameters.AsSpan(model.BiasOffset(1), 128).ToArray(), b => Assert.Equal(0f, b));
        var again = new float[model.ParameterCount];
        model.InitializeParameters(again, seed: 42);
        Assert.Equal(parameters, again);
        model.InitializeParameters(again, seed: 43);
        Assert.NotEqual(parameters, again);
    }

    [Fact]
    public void Predict_writes_probabilities_per_row_and_labels_are_checked()
    {
        var random = new Random(2);
        DenseDataset data = GradientCheck.RandomDataset(random, 70, 4, r => r.Next(3));
        var model = new Mlp([4, 8, 3], blockRows: 16);
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 1);
        var outputs = new float[70 * 3];
        model.Predict(parameters, DataBatch.All(data), outputs);
        for (int row = 0; row < 70; row++)
        {
            Assert.Equal(1.0, outputs[row * 3] + outputs[(row * 3) + 1] + outputs[(row * 3) + 2], 1e-5);
        }

        var bad = new DenseDataset(new float[8], [0, 5], 4);
        var error = Assert.Throws<ArgumentException>(() => model.ComputeLoss(parameters, DataBatch.All(bad)));
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Mlp([4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mlp([4, 0, 3]));
    }

    internal static double ReferenceLoss(DenseDataset data, int[] sizes, double[] parameters)
    {
        double sum = 0;
        for (int row = 0; row < data.RowCount; row++)
        {
            double[] activation = [.. data.Row(row).ToArray().Select(v => (double)v)];
            int offset = 0;
            for (int layer = 1; layer < sizes.Length; layer++)
            {
                var next = new double[sizes[layer]];
                int biasOffset = offset + (sizes[layer] * sizes[layer - 1]);
                for (int j = 0; j < next.Length; j++)
                {
                    double z = parameters[biasOffset + j];
                    for (int i = 0; i < activation.Length; i++)
                    {
                        z += parameters[offset + (j * sizes[layer - 1]) + i] * activation[i];
                    }

                    next[j] = layer < sizes.Length - 1 ? Math.Max(z, 0) : z;
                }

                offset = biasOffset + sizes[layer];
                activation = next;
            }

            double maximum = activation.Max();
            sum += Math.Log(activation.Sum(z => Math.Exp(z - maximum))) + maximum - activation[(int)data.Labels[row]];
        }

        return sum / data.RowCount;
    }
}
