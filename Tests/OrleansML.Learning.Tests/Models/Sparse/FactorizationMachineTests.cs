namespace OrleansML.Learning.Tests.Models.Sparse;

public class FactorizationMachineTests
{
    private static FactorizationMachine Model(ModelTask task, int featureCount = 12, int factorCount = 3) =>
        new(new FactorizationMachineOptions { FeatureCount = featureCount, FactorCount = factorCount, Task = task });

    [Fact]
    public void Layout_interleaves_each_features_linear_weight_and_factors()
    {
        var model = Model(ModelTask.Regression, featureCount: 5, factorCount: 4);
        Assert.Equal(1 + (5 * 5), model.ParameterCount);
        Assert.Equal(5, model.FeatureStride);
        Assert.Equal(1, model.LinearWeightIndex(0));
        Assert.Equal(2, model.FactorIndex(0, 0));
        Assert.Equal(1 + (3 * 5), model.LinearWeightIndex(3));
        Assert.Equal(model.ParameterCount - 1, model.FactorIndex(4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.FactorIndex(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.LinearWeightIndex(5));
    }

    [Theory]
    [InlineData(ModelTask.BinaryClassification)]
    [InlineData(ModelTask.Regression)]
    public void Predictions_match_the_pairwise_definition(ModelTask task)
    {
        var model = Model(task, featureCount: 20, factorCount: 9);
        var data = SparseTestData.Random(seed: 21, rowCount: 25, model.FeatureCount, usedFeatures: 20, maximumRowLength: 10, binaryLabels: true);
        float[] parameters = SparseTestData.RandomParameters(22, model.ParameterCount, 0.4f);
        float[] outputs = new float[data.RowCount];
        model.Predict(parameters, DataBatch.All(data), outputs);
        for (int row = 0; row < data.RowCount; row++)
        {
            double raw = SparseTestData.FactorizationRaw(model, parameters, data.RowIndices(row), data.RowValues(row));
            double expected = task == ModelTask.Regression ? raw : 1 / (1 + Math.Exp(-raw));
            Assert.Equal(expected, outputs[row], 1e-4);
        }
    }

    [Theory]
    [InlineData(ModelTask.BinaryClassification)]
    [InlineData(ModelTask.Regression)]
    public void Gradient_matches_central_finite_differences(ModelTask task)
    {
        var model = Model(task, featureCount: 10, factorCount: 3);
        var data = SparseTestData.Random(seed: 23, rowCount: 30, model.FeatureCount, usedFeatures: 10, maximumRowLength: 6, binaryLabels: task == ModelTask.BinaryClassification);
        float[] parameters = SparseTestData.RandomParameters(24, model.ParameterCount, 0.5f);
        SparseTestData.AssertMatchesFiniteDifferences(model, parameters, DataBatch.Of(data, 3, 25), step: 1e-2f, tolerance: 3e-3);
    }

    [Theory]
    [InlineData(ModelTask.BinaryClassification, 3)]
    [InlineData(ModelTask.Regression, 8)]
    [InlineData(ModelTask.Regression, 11)]
    public void Sparse_gradient_equals_the_dense_gradient_at_touched_keys_only(ModelTask task, int factorCount)
    {
        var model = Model(task, featureCount: 200, factorCount: factorCount);
        var data = SparseTestData.Random(seed: 25, rowCount: 50, model.FeatureCount, usedFeatures: 120, maximumRowLength: 8, binaryLabels: task == ModelTask.BinaryClassification);
        float[] parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 26);
        SparseTestData.AssertSparseMatchesDense(model, parameters, DataBatch.Of(data, 5, 40));
    }

    [Theory]
    [InlineData(ModelTask.BinaryClassification)]
    [InlineData(ModelTask.Regression)]
    public void A_gradient_step_lowers_the_loss(ModelTask task)
    {
        var model = Model(task, featureCount: 64, factorCount: 4);
        var data = SparseTestData.Random(seed: 27, rowCount: 150, model.FeatureCount, usedFeatures: 64, maximumRowLength: 8, binaryLabels: task == ModelTask.BinaryClassification);
        float[] parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 28);
        SparseTestData.AssertSparseStepLowersLoss(model, parameters, DataBatch.All(data), stepSize: 0.05f, minimumDecrease: 1e-5);
    }

    [Fact]
    public void Zero_parameters_give_log_2_for_binary_and_half_mean_square_for_regression()
    {
        var data = new SparseDataset<int>([0, 2, 3], [1, 2, 0], [1f, 1f, 3f], [1f, 0f], 3);
        var binary = Model(ModelTask.BinaryClassification, featureCount: 3, factorCount: 2);
        Assert.Equal(Math.Log(2), binary.ComputeLoss(new float[binary.ParameterCount], DataBatch.All(data)), 1e-6);

        var regressionData = new SparseDataset<int>([0, 2, 3], [1, 2, 0], [1f, 1f, 3f], [2f, -4f], 3);
        var regression = Model(ModelTask.Regression, featureCount: 3, factorCount: 2);
        float[] gradient = new float[regression.ParameterCount];
        float loss = regression.ComputeGradient(new float[regression.ParameterCount], DataBatch.All(regressionData), gradient);
        Assert.Equal(((0.5 * 4) + (0.5 * 16)) / 2, loss, 1e-6);
        // dL/dw0 = mean(ŷ - y) = (-2 + 4) / 2; dL/dw_0 = (4 · 3) / 2 (row 2 only); factors stay at zero gradient.
        Assert.Equal(1f, gradient[FactorizationMachine.GlobalBiasIndex]);
        Assert.Equal(6f, gradient[regression.LinearWeightIndex(0)]);
        Assert.Equal(-1f, gradient[regression.LinearWeightIndex(1)]);
        Assert.Equal(0f, gradient[regression.FactorIndex(1, 0)]);
    }

    [Fact]
    public void Initialization_is_deterministic_small_and_normal_with_zero_biases()
    {
        var model = new FactorizationMachine(new FactorizationMachineOptions { FeatureCount = 2000, FactorCount = 8, InitialFactorStandardDeviation = 0.05f });
        float[] first = new float[model.ParameterCount];
        float[] second = new float[model.ParameterCount];
        model.InitializeParameters(first, seed: 3);
        model.InitializeParameters(second, seed: 3);
        Assert.Equal(first, second);
        model.InitializeParameters(second, seed: 4);
        Assert.NotEqual(first, second);

        Assert.Equal(0f, first[FactorizationMachine.GlobalBiasIndex]);
        double sum = 0, squares = 0;
        for (int feature = 0; feature < model.FeatureCount; feature++)
        {
            Assert.Equal(0f, first[model.LinearWeightIndex(feature)]);
            for (int f = 0; f < model.FactorCount; f++)
            {
                double value = first[model.FactorIndex(feature, f)];
                sum += value;
                squares += value * value;
            }
        }

        int count = model.FeatureCount * model.FactorCount;
        Assert.Equal(0, sum / count, 3e-3);
        Assert.Equal(0.05, Math.Sqrt(squares / count), 2e-3);
    }

    [Fact]
    public void Invalid_options_are_rejected_by_name()
    {
        Assert.Equal("FeatureCount", Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationMachine(new FactorizationMachineOptions { FeatureCount = 0 })).ParamName);
        Assert.Equal("FactorCount", Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationMachine(new FactorizationMachineOptions { FactorCount = 0 })).ParamName);
        Assert.Equal("FeatureCount", Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationMachine(new FactorizationMachineOptions { FeatureCount = 1 << 28, FactorCount = 16 })).ParamName);
        Assert.Equal("Task", Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationMachine(new FactorizationMachineOptions { Task = ModelTask.MulticlassClassification })).ParamName);
        Assert.Equal("InitialFactorStandardDeviation", Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationMachine(new FactorizationMachineOptions { InitialFactorStandardDeviation = float.NaN })).ParamName);
    }

    [Fact]
    public void Regression_rejects_non_finite_labels_naming_the_row()
    {
        var model = Model(ModelTask.Regression, featureCount: 4, factorCount: 2);
        var data = new SparseDataset<int>([0, 1, 2], [1, 2], [1f, 1f], [1f, float.NaN], 4);
        var error = Assert.Throws<ArgumentException>(() => model.ComputeLoss(new float[model.ParameterCount], DataBatch.All(data)));
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
    }
}
