namespace OrleansML.Learning.Tests.Kernels.Dense;

public class TransposedProductAccumulatorTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(16, 10, 784)]
    [InlineData(3, 17, 13)]
    [InlineData(5, 3, 24)]
    [InlineData(7, 2, 9)]
    [InlineData(2, 5, 16)]
    [InlineData(11, 6, 41)]
    public void Adds_the_transposed_product_to_what_is_there(int rows, int outputs, int depth)
    {
        var random = new Random((rows * 977) + (outputs * 13) + depth);
        float[] g = Reference.RandomArray(random, rows * outputs);
        float[] a = Reference.RandomArray(random, rows * depth);
        float[] c = Reference.RandomArray(random, outputs * depth);
        double[] expected = Reference.TransposedProduct(g, a, rows, outputs, depth);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += c[i];
        }

        TransposedProductAccumulator.Accumulate(g, a, c, rows, outputs, depth);
        Reference.AssertClose(expected, c, 1e-5 * Math.Sqrt(rows));
    }

    [Fact]
    public void Column_sums_accumulate_each_output()
    {
        float[] g = [1, 2, 3, 4, 5, 6];
        float[] sums = [10, 20, 30];
        TransposedProductAccumulator.AccumulateColumnSums(g, sums, 2, 3);
        Assert.Equal([15f, 27f, 39f], sums);
    }
}
