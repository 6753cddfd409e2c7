namespace OrleansML.Learning.Tests.Models.Dense;

public class LogisticRegressionTests
{
    [Theory]
    [InlineData(11, 6, 4)]
    [InlineData(25, 17, 64)]
    public void Gradient_matches_finite_differences(int rows, int columns, int blockRows)
    {
        var random = new Random(rows * columns);
        DenseDataset data = GradientCheck.RandomDataset(random, rows, columns, r => r.Next(2));
        var model = new LogisticRegression(columns, blockRows);
        float[] parameters = GradientCheck.RandomParameters(random, model.ParameterCount, 0.7);
        GradientCheck.Run(model, parameters, DataBatch.All(data), p => LinearModelReference.LogLoss(data, 0, rows, p));
    }

    [Fact]
    public void Zero_weights_give_ln_2_and_one_half()
    {
        var data = new DenseDataset([1, 2, 3, 4, 5, 6], [0, 1, 1], 2);
        var model = new LogisticRegression(2);
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 1);
        Assert.Equal(Math.Log(2), model.ComputeLoss(parameters, DataBatch.All(data)), 1e-6);
        var outputs = new float[3];
        model.Predict(parameters, DataBatch.All(data), outputs);
        Assert.All(outputs, p => Assert.Equal(0.5f, p));
    }

    [Fact]
    public void Extreme_margins_stay_finite()
    {
        // Margin 200 on a row labelled 0 costs 200 nats; a naive log(1 - sigmoid) would be infinite.
        var data = new DenseDataset([1, 1], [0, 1], 1);
        var model = new LogisticRegression(1);
        var gradient = new float[2];
        float loss = model.ComputeGradient([200f, 0f], DataBatch.All(data), gradient);
        Assert.Equal(100.0, loss, 1e-3);
        Assert.Equal(0.5f, gradient[0], 1e-6);
    }

    [Fact]
    public void A_label_that_is_not_0_or_1_names_its_row()
    {
        var data = new DenseDataset([1, 2, 3], [0, 1, 2], 1);
        var error = Assert.Throws<ArgumentException>(() => new LogisticRegression(1).ComputeLoss(new float[2], DataBatch.Of(data, 1, 2)));
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
    }
}
