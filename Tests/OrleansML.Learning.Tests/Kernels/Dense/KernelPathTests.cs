namespace OrleansML.Learning.Tests.Kernels.Dense;

/// <summary>
/// Every path of the MLP's kernels (scalar, 256-bit, 512-bit) against the scalar double-precision reference, on
/// shapes whose rows, outputs and columns are not multiples of any tile or vector width.
/// </summary>
public class KernelPathTests
{
    [Theory]
    [InlineData(1, 1, 1, false)]
    [InlineData(7, 13, 37, false)]
    [InlineData(7, 13, 37, true)]
    [InlineData(128, 10, 128, true)]
    [InlineData(64, 128, 784, false)]
    [InlineData(5, 6, 16, true)]
    [InlineData(3, 11, 49, false)]
    [InlineData(9, 17, 72, true)]
    public void Weight_gradient_matches_the_reference(int rows, int outputs, int depth, bool accumulate)
    {
        var random = new Random((rows * 31) + (outputs * 7) + depth);
        float[] g = Reference.RandomArray(random, rows * outputs);
        float[] a = Reference.RandomArray(random, rows * depth);
        float[] start = Reference.RandomArray(random, outputs * depth);
        double[] expected = Reference.TransposedProduct(g, a, rows, outputs, depth);
        if (accumulate)
        {
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] += start[i];
            }
        }

        float[] transposed = Transpose(g, rows, outputs);
        VectorPaths.Each(path =>
        {
            float[] c = (float[])start.Clone();
            WeightGradientKernel.Compute(transposed, a, c, rows, outputs, depth, accumulate);
            AssertClose(path, expected, c, 1e-5 * Math.Sqrt(rows));
        });
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(8, 8)]
    [InlineData(13, 11)]
    [InlineData(128, 10)]
    [InlineData(24, 128)]
    [InlineData(17, 9)]
    public void Delta_transpose_is_exact(int rows, int outputs)
    {
        float[] deltas = Reference.RandomArray(new Random(rows + (outputs * 100)), rows * outputs);
        float[] expected = Transpose(deltas, rows, outputs);
        VectorPaths.Each(path =>
        {
            float[] transposed = [.. Enumerable.Repeat(float.NaN, rows * outputs)];
            DeltaTransposeKernel.Transpose(deltas, transposed, rows, outputs);
            Assert.True(expected.AsSpan().SequenceEqual(transposed), $"{path} path: transpose differs");
        });
    }

    [Fact]
    public void Bias_gradient_writes_or_adds_the_column_sums()
    {
        float[] g = [1, 2, 3, 4, 5, 6];
        float[] sums = [10, 20, 30];
        WeightGradientKernel.BiasGradient(g, sums, 2, 3, accumulate: true);
        Assert.Equal([15f, 27f, 39f], sums);
        WeightGradientKernel.BiasGradient(g, sums, 2, 3, accumulate: false);
        Assert.Equal([5f, 7f, 9f], sums);
    }

    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(3, 7, 5, true)]
    [InlineData(7, 13, 37, true)]
    [InlineData(5, 128, 784, true)]
    [InlineData(4, 11, 16, false)]
    [InlineData(6, 10, 23, true)]
    [InlineData(9, 5, 128, false)]
    public void Forward_product_with_bias_and_relu_matches_the_reference(int rows, int columns, int depth, bool relu)
    {
        var random = new Random((rows * 13) + (columns * 5) + depth);
        float[] a = Reference.RandomArray(random, rows * depth);
        float[] b = Reference.RandomArray(random, columns * depth);
        float[] bias = Reference.RandomArray(random, columns);
        double[] expected = Reference.ProductWithTransposed(a, b, bias, rows, columns, depth);
        if (relu)
        {
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = Math.Max(expected[i], 0);
            }

            Assert.Contains(expected, value => value == 0);
        }

        VectorPaths.Each(path =>
        {
            float[] c = [.. Enumerable.Repeat(-7f, rows * columns)];
            ProductWithTransposed.Compute(a, b, bias, c, rows, columns, depth, relu);
            AssertClose(path, expected, c, 1e-5 * Math.Sqrt(depth));
        });
    }

    [Fact]
    public void Relu_keeps_a_nan_so_divergence_stays_visible()
    {
        float[] a = [float.NaN, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        float[] b = [.. Enumerable.Repeat(1f, 16)];
        VectorPaths.Each(path =>
        {
            float[] c = [0f];
            ProductWithTransposed.Compute(a, b, [-100f], c, 1, 1, 16, relu: true);
            Assert.True(float.IsNaN(c[0]), $"{path} path: got {c[0]}");
        });
    }

    internal static float[] Transpose(float[] values, int rows, int columns)
    {
        var transposed = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                transposed[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        return transposed;
    }

    private static void AssertClose(string path, double[] expected, ReadOnlySpan<float> actual, double tolerance)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * (1 + Math.Abs(expected[i])), $"{path} path, index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
