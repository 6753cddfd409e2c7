namespace OrleansML.Learning.Tests.Kernels.Dense;

public class FusedSoftmaxGradientKernelTests
{
    [Theory]
    [InlineData(1, 1, 1, 16)]
    [InlineData(33, 10, 784, 16)]
    [InlineData(17, 2, 13, 8)]
    [InlineData(9, 3, 31, 4)]
    [InlineData(20, 17, 9, 7)]
    [InlineData(5, 10, 40, 1)]
    public void Matches_the_unfused_reference(int rows, int classes, int depth, int blockRows)
    {
        var random = new Random((rows * 7919) + (classes * 101) + depth + blockRows);
        float[] x = Reference.RandomArray(random, rows * depth);
        float[] labels = Reference.RandomLabels(random, rows, classes);
        float[] weights = Reference.RandomArray(random, classes * depth, 0.3f);
        float[] bias = Reference.RandomArray(random, classes);
        float[] weightGradient = Reference.RandomArray(random, classes * depth);
        float[] biasGradient = Reference.RandomArray(random, classes);

        double[] logits = Reference.ProductWithTransposed(x, weights, bias, rows, classes, depth);
        var (delta, expectedLoss) = Reference.Softmax(logits, labels, rows, classes);
        for (int r = 0; r < rows; r++)
        {
            delta[(r * classes) + (int)labels[r]] -= 1;
        }

        float[] deltaFloat = [.. delta.Select(v => (float)v)];
        double[] expectedWeights = Reference.TransposedProduct(deltaFloat, x, rows, classes, depth);
        var expectedBias = new double[classes];
        for (int k = 0; k < classes; k++)
        {
            expectedBias[k] = biasGradient[k];
            for (int r = 0; r < rows; r++)
            {
                expectedBias[k] += delta[(r * classes) + k];
            }
        }

        for (int i = 0; i < expectedWeights.Length; i++)
        {
            expectedWeights[i] += weightGradient[i];
        }

        double loss = FusedSoftmaxGradientKernel.Accumulate(
            x, labels, rows, depth, weights, bias, classes, weightGradient, biasGradient, new float[blockRows * classes], blockRows);

        Assert.Equal(expectedLoss, loss, 1e-4 * rows * Math.Sqrt(depth));
        Reference.AssertClose(expectedWeights, weightGradient, 1e-4);
        Reference.AssertClose(expectedBias, biasGradient, 1e-4);
    }
}
