namespace OrleansML.Learning.Tests.Models.Dense;

public class SoftmaxRegressionTests
{
    [Theory]
    [InlineData(13, 7, 3, 4)]
    [InlineData(20, 19, 10, 16)]
    [InlineData(6, 9, 2, 1)]
    [InlineData(9, 5, 17, 8)]
    public void Gradient_matches_finite_differences(int rows, int columns, int classes, int blockRows)
    {
        var random = new Random((rows * 101) + classes);
        DenseDataset data = GradientCheck.RandomDataset(random, rows, columns, r => r.Next(classes));
        var model = new SoftmaxRegression(columns, classes, blockRows);
        float[] parameters = GradientCheck.RandomParameters(random, model.ParameterCount, 0.5);
        GradientCheck.Run(model, parameters, DataBatch.All(data), p => ReferenceLoss(data, columns, classes, p));
    }

    [Fact]
    public void Zero_weights_give_ln_K_and_uniform_probabilities()
    {
        var data = new DenseDataset([1, 2, 3, 4, 5, 6], [0, 3, 1], 2);
        var model = new SoftmaxRegression(2, 4);
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 3);
        Assert.Equal(4 * 2 + 4, model.ParameterCount);
        Assert.Equal(Math.Log(4), model.ComputeLoss(parameters, DataBatch.All(data)), 1e-6);
        var outputs = new float[12];
        model.Predict(parameters, DataBatch.All(data), outputs);
        Assert.All(outputs, p => Assert.Equal(0.25f, p, 1e-6));
    }

    [Fact]
    public void Layout_is_weights_per_class_then_biases()
    {
        // Only class 1's bias is set: its probability rises for every row.
        var data = new DenseDataset([0, 0], [0], 2);
        var model = new SoftmaxRegression(2, 3);
        float[] parameters = [0, 0, 0, 0, 0, 0, 0, (float)Math.Log(2), 0];
        var outputs = new float[3];
        model.Predict(parameters, DataBatch.All(data), outputs);
        Assert.Equal([0.25f, 0.5f, 0.25f], outputs);
    }

    [Theory]
    [InlineData(3f)]
    [InlineData(-1f)]
    [InlineData(1.5f)]
    public void A_label_outside_the_classes_names_its_row(float label)
    {
        var data = new DenseDataset([1, 2, 3], [0, label, 1], 1);
        var model = new SoftmaxRegression(1, 3);
        var error = Assert.Throws<ArgumentException>(() => model.ComputeGradient(new float[6], DataBatch.All(data), new float[6]));
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxRegression(3, 1));
    }

    private static double ReferenceLoss(DenseDataset data, int columns, int classes, double[] parameters)
    {
        double sum = 0;
        var logits = new double[classes];
        for (int row = 0; row < data.RowCount; row++)
        {
            ReadOnlySpan<float> x = data.Row(row);
            for (int k = 0; k < classes; k++)
            {
                logits[k] = parameters[(classes * columns) + k];
                for (int t = 0; t < columns; t++)
                {
                    logits[k] += parameters[(k * columns) + t] * x[t];
                }
            }

            double maximum = logits.Max();
            sum += Math.Log(logits.Sum(z => Math.Exp(z - maximum))) + maximum - logits[(int)data.Labels[row]];
        }

        return sum / data.RowCount;
    }
}
