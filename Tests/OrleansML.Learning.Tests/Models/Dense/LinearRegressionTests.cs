namespace OrleansML.Learning.Tests.Models.Dense;

public class LinearRegressionTests
{
    [Theory]
    [InlineData(9, 5, 4)]
    [InlineData(21, 19, 64)]
    [InlineData(3, 1, 1)]
    public void Gradient_matches_finite_differences(int rows, int columns, int blockRows)
    {
        var random = new Random(rows + columns);
        DenseDataset data = GradientCheck.RandomDataset(random, rows + 2, columns, r => (float)((r.NextDouble() * 4) - 2));
        var model = new LinearRegression(columns, blockRows);
        float[] parameters = GradientCheck.RandomParameters(random, model.ParameterCount, 0.5);
        GradientCheck.Run(model, parameters, DataBatch.Of(data, 1, rows), p => LinearModelReference.HalfMeanSquaredError(data, 1, rows, p));
    }

    [Fact]
    public void Loss_and_prediction_on_a_hand_computed_case()
    {
        // Rows (1, 2) -> 3 and (0, -1) -> 1; w = (1, 1), b = 0.5 predicts 3.5 and -0.5.
        var data = new DenseDataset([1, 2, 0, -1], [3, 1], 2);
        var model = new LinearRegression(2);
        float[] parameters = [1, 1, 0.5f];
        Assert.Equal(0.5 * ((0.25 + 2.25) / 2), model.ComputeLoss(parameters, DataBatch.All(data)), 1e-6);
        var outputs = new float[2];
        model.Predict(parameters, DataBatch.All(data), outputs);
        Assert.Equal([3.5f, -0.5f], outputs);
        Assert.Equal(3, model.ParameterCount);
        Assert.Equal(ModelTask.Regression, model.Task);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_clear_errors()
    {
        var model = new LinearRegression(2);
        var data = new DenseDataset([1, 2, 0, -1], [3, float.NaN], 2);
        var error = Assert.Throws<ArgumentException>(() => model.ComputeLoss(new float[3], DataBatch.All(data)));
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.ComputeLoss(new float[4], DataBatch.Of(data, 0, 1)));
        Assert.Throws<ArgumentException>(() => model.ComputeGradient(new float[3], DataBatch.Of(data, 0, 1), new float[2]));
        Assert.Throws<ArgumentException>(() => new LinearRegression(3).ComputeLoss(new float[4], DataBatch.Of(data, 0, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearRegression(2, blockRows: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearRegression(0));
    }
}
