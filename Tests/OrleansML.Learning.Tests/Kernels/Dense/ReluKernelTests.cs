namespace OrleansML.Learning.Tests.Kernels.Dense;

public class ReluKernelTests
{
    [Fact]
    public void Forward_clamps_negatives_to_zero()
    {
        var random = new Random(8);
        float[] values = Reference.RandomArray(random, 37);
        float[] original = [.. values];
        ReluKernel.Forward(values);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(Math.Max(original[i], 0f), values[i]);
        }
    }

    [Fact]
    public void Backward_passes_gradients_only_where_the_activation_is_positive()
    {
        var random = new Random(9);
        float[] activations = Reference.RandomArray(random, 29);
        activations[3] = 0f;
        ReluKernel.Forward(activations);
        float[] gradients = Reference.RandomArray(random, 29);
        float[] original = [.. gradients];
        ReluKernel.Backward(activations, gradients);
        for (int i = 0; i < gradients.Length; i++)
        {
            Assert.Equal(activations[i] > 0 ? original[i] : 0f, gradients[i]);
        }

        Assert.Equal(0f, gradients[3]);
    }
}
