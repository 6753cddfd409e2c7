namespace OrleansML.Learning.Tests.Kernels.Dense;

public class SoftmaxCrossEntropyKernelTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 2)]
    [InlineData(4, 3)]
    [InlineData(16, 10)]
    [InlineData(3, 17)]
    public void Loss_and_gradient_match_the_reference(int rows, int classes)
    {
        var random = new Random((rows * 31) + classes);
        float[] logits = Reference.RandomArray(random, rows * classes, 5f);
        float[] labels = Reference.RandomLabels(random, rows, classes);
        var (probabilities, expectedLoss) = Reference.Softmax([.. logits.Select(v => (double)v)], labels, rows, classes);
        for (int r = 0; r < rows; r++)
        {
            probabilities[(r * classes) + (int)labels[r]] -= 1;
        }

        float[] copy = [.. logits];
        double loss = SoftmaxCrossEntropyKernel.LossAndGradientInPlace(logits, labels, rows, classes);
        Assert.Equal(expectedLoss, loss, 1e-4 * rows);
        Reference.AssertClose(probabilities, logits, 1e-5);
        Assert.Equal(expectedLoss, SoftmaxCrossEntropyKernel.Loss(copy, labels, rows, classes), 1e-4 * rows);
    }

    [Fact]
    public void Huge_logits_neither_overflow_nor_lose_the_loss()
    {
        float[] logits = [1000f, 0f, -1000f];
        double loss = SoftmaxCrossEntropyKernel.LossAndGradientInPlace(logits, [1f], 1, 3);
        Assert.Equal(1000.0, loss, 1e-3);
        Assert.Equal([1f, -1f, 0f], logits);
    }

    [Fact]
    public void Probabilities_sum_to_one_per_row()
    {
        float[] logits = [1f, 2f, 3f, 0f, 0f, 0f];
        SoftmaxCrossEntropyKernel.ProbabilitiesInPlace(logits, 2, 3);
        double e = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(Math.Exp(3) / e, logits[2], 1e-6);
        Assert.Equal(1f / 3f, logits[4], 1e-6);
        Assert.Equal(1.0, logits[0] + logits[1] + logits[2], 1e-6);
    }
}
