namespace OrleansML.Learning.Tests.Kernels.Dense;

public class ProductKernelTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(64, 10, 128)]
    [InlineData(3, 17, 13)]
    [InlineData(5, 3, 40)]
    [InlineData(2, 7, 33)]
    [InlineData(7, 4, 8)]
    public void Matches_the_scalar_reference(int rows, int inner, int columns)
    {
        var random = new Random((rows * 577) + (inner * 7) + columns);
        float[] g = Reference.RandomArray(random, rows * inner);
        float[] b = Reference.RandomArray(random, inner * columns);
        float[] c = [.. Enumerable.Repeat(-5f, rows * columns)];
        ProductKernel.Compute(g, b, c, rows, inner, columns);
        Reference.AssertClose(Reference.Product(g, b, rows, inner, columns), c, 1e-5 * Math.Sqrt(inner));
    }
}
