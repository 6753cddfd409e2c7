namespace OrleansML.Learning.Tests.Kernels.Dense;

public class ProductWithTransposedTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 5, 8)]
    [InlineData(3, 10, 784)]
    [InlineData(7, 17, 13)]
    [InlineData(5, 3, 33)]
    [InlineData(4, 2, 7)]
    [InlineData(9, 11, 100)]
    public void Matches_the_scalar_reference(int rows, int columns, int depth)
    {
        var random = new Random((rows * 1000) + (columns * 31) + depth);
        float[] a = Reference.RandomArray(random, rows * depth);
        float[] b = Reference.RandomArray(random, columns * depth);
        float[] bias = Reference.RandomArray(random, columns);
        var c = new float[rows * columns];
        ProductWithTransposed.Compute(a, b, bias, c, rows, columns, depth);
        Reference.AssertClose(Reference.ProductWithTransposed(a, b, bias, rows, columns, depth), c, 1e-5 * Math.Sqrt(depth));
    }

    [Fact]
    public void Empty_bias_means_zero_and_the_output_is_overwritten()
    {
        var random = new Random(3);
        float[] a = Reference.RandomArray(random, 3 * 20);
        float[] b = Reference.RandomArray(random, 6 * 20);
        float[] c = [.. Enumerable.Repeat(99f, 18)];
        ProductWithTransposed.Compute(a, b, [], c, 3, 6, 20);
        Reference.AssertClose(Reference.ProductWithTransposed(a, b, null, 3, 6, 20), c, 1e-5);
    }
}
