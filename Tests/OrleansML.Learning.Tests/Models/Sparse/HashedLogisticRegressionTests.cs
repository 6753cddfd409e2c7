namespace OrleansML.Learning.Tests.Models.Sparse;

public class HashedLogisticRegressionTests
{
    private static HashedLogisticRegression Model(int hashBits = 6) => new(new HashedLogisticRegressionOptions { HashBits = hashBits });

    [Fact]
    public void Layout_is_the_buckets_then_the_bias()
    {
        var model = Model(10);
        Assert.Equal(1024, model.FeatureCount);
        Assert.Equal(1025, model.ParameterCount);
        Assert.Equal(1024, model.BiasIndex);
        Assert.Equal(ModelInput.Sparse, model.Input);
        Assert.Equal(ModelTask.BinaryClassification, model.Task);
        Assert.Equal(1, model.OutputsPerRow);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public void Invalid_hash_bits_are_rejected_by_name(int hashBits)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Model(hashBits));
        Assert.Equal(nameof(HashedLogisticRegressionOptions.HashBits), error.ParamName);
    }

    [Fact]
    public void Zero_weights_give_log_2_and_a_hand_computed_gradient()
    {
        // Two rows: {id 1: 2.0, id 3: 1.0} label 1, and {id 1: 1.0} label 0. At zero weights p = 0.5,
        // residuals are -0.5 and +0.5, each divided by the 2 rows.
        var data = new SparseDataset<int>([0, 2, 3], [1, 3, 1], [2f, 1f, 1f], [1f, 0f], 4);
        var model = Model(2);
        float[] parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 9);
        Assert.All(parameters, value => Assert.Equal(0f, value));

        float[] gradient = new float[model.ParameterCount];
        float loss = model.ComputeGradient(parameters, DataBatch.All(data), gradient);
        Assert.Equal(Math.Log(2), loss, 1e-6);
        Assert.Equal([0f, (-0.5f * 2f / 2) + (0.5f / 2), 0f, -0.5f / 2, 0f], gradient);

        float[] outputs = new float[2];
        model.Predict(parameters, DataBatch.All(data), outputs);
        Assert.Equal([0.5f, 0.5f], outputs);
    }

    [Fact]
    public void Gradient_matches_central_finite_differences()
    {
        var model = Model(5);
        var data = SparseTestData.Random(seed: 1, rowCount: 40, model.FeatureCount, usedFeatures: 32, maximumRowLength: 9, binaryLabels: true);
        float[] parameters = SparseTestData.RandomParameters(2, model.ParameterCount, 0.5f);
        SparseTestData.AssertMatchesFiniteDifferences(model, parameters, DataBatch.Of(data, 5, 30), step: 1e-2f, tolerance: 2e-3);
    }

    [Fact]
    public void Sparse_gradient_equals_the_dense_gradient_at_touched_keys_only()
    {
        var model = Model(8);
        var data = SparseTestData.Random(seed: 3, rowCount: 60, model.FeatureCount, usedFeatures: 100, maximumRowLength: 12, binaryLabels: true);
        float[] parameters = SparseTestData.RandomParameters(4, model.ParameterCount, 0.3f);
        SparseTestData.AssertSparseMatchesDense(model, parameters, DataBatch.Of(data, 10, 40));
    }

    [Fact]
    public void Sparse_gradient_over_many_keys_uses_the_radix_sort_and_still_matches()
    {
        var model = Model(14);
        var data = SparseTestData.Random(seed: 5, rowCount: 400, model.FeatureCount, usedFeatures: 16_000, maximumRowLength: 20, binaryLabels: true);
        float[] parameters = SparseTestData.RandomParameters(6, model.ParameterCount, 0.1f);
        SparseTestData.AssertSparseMatchesDense(model, parameters, DataBatch.All(data));
    }

    [Fact]
    public void A_gradient_step_lowers_the_loss()
    {
        var model = Model(7);
        var data = SparseTestData.Random(seed: 7, rowCount: 200, model.FeatureCount, usedFeatures: 128, maximumRowLength: 10, binaryLabels: true);
        SparseTestData.AssertSparseStepLowersLoss(model, new float[model.ParameterCount], DataBatch.All(data), stepSize: 0.5f, minimumDecrease: 1e-4);
    }

    [Fact]
    public void Extreme_logits_give_finite_loss_and_saturated_predictions()
    {
        var data = new SparseDataset<int>([0, 1, 2], [0, 1], [1f, 1f], [0f, 1f], 2);
        var model = Model(1);
        float[] parameters = [200f, -200f, 0f];
        float loss = model.ComputeLoss(parameters, DataBatch.All(data));
        Assert.Equal(200f, loss, 1e-3);
        float[] outputs = new float[2];
        model.Predict(parameters, DataBatch.All(data), outputs);
        Assert.Equal([1f, 0f], outputs);
    }

    [Fact]
    public void Empty_batch_has_zero_loss_and_no_keys()
    {
        var model = Model(3);
        var data = SparseTestData.Random(seed: 8, rowCount: 4, model.FeatureCount, 8, 3, binaryLabels: true);
        var gradient = new SparseGradient(model.ParameterCount);
        Assert.Equal(0f, model.ComputeSparseGradient(new float[model.ParameterCount], DataBatch.Of(data, 2, 0), gradient));
        Assert.Equal(0, gradient.Count);
        Assert.True(gradient.IsSorted);
    }

    [Fact]
    public void Bad_inputs_fail_with_clear_errors()
    {
        var model = Model(3);
        float[] parameters = new float[model.ParameterCount];
        var wideData = new SparseDataset<int>([0, 1], [20], [1f], [1f], 32);
        Assert.Contains("hash them", Assert.Throws<ArgumentException>(() => model.ComputeLoss(parameters, DataBatch.All(wideData))).Message, StringComparison.Ordinal);

        var badLabel = new SparseDataset<int>([0, 1, 2], [1, 2], [1f, 1f], [1f, 2f], 8);
        Assert.Contains("row 1", Assert.Throws<ArgumentException>(() => model.ComputeLoss(parameters, DataBatch.All(badLabel))).Message, StringComparison.Ordinal);

        var good = new SparseDataset<int>([0, 1], [1], [1f], [1f], 8);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => model.ComputeLoss(new float[3], DataBatch.All(good))).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => model.ComputeSparseGradient(parameters, DataBatch.All(good), new SparseGradient(5))).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => model.Predict(parameters, DataBatch.All(good), [])).ParamName);
        var dense = new DenseDataset(new float[4], new float[2], 2);
        Assert.Throws<ArgumentException>(() => model.ComputeLoss(parameters, DataBatch.All(dense)));
    }

    [Fact]
    public void A_batch_that_failed_half_way_leaves_nothing_behind_for_the_next_one()
    {
        var model = Model(3);
        float[] parameters = SparseTestData.RandomParameters(1, model.ParameterCount, 0.2f);
        var bad = new SparseDataset<int>([0, 2, 3], [5, 6, 7], [1f, 1f, 1f], [1f, 3f], 8);
        var gradient = new SparseGradient(model.ParameterCount);
        Assert.Throws<ArgumentException>(() => model.ComputeSparseGradient(parameters, DataBatch.All(bad), gradient));
        var good = SparseTestData.Random(seed: 2, rowCount: 10, model.FeatureCount, 8, 4, binaryLabels: true);
        SparseTestData.AssertSparseMatchesDense(model, parameters, DataBatch.All(good));
    }

    [Fact]
    public void The_shared_exponential_gives_LogisticMath_loss_and_sigmoid_bit_for_bit()
    {
        var random = new Random(11);
        float[] logits = [0f, -0f, 1e-30f, -1e-30f, 20f, -20f, 88f, -88f, 200f, -200f, float.MaxValue, float.MinValue,
            .. Enumerable.Range(0, 2_000).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-4, 3))))];
        foreach (float logit in logits)
        {
            foreach (float label in new[] { 0f, 1f, 0.25f })
            {
                float residual = HashedLogisticRegression.LossAndResidual(logit, label, out float loss);
                Assert.Equal(BitConverter.SingleToInt32Bits(LogisticMath.LogLoss(logit, label)), BitConverter.SingleToInt32Bits(loss));
                Assert.Equal(BitConverter.SingleToInt32Bits(LogisticMath.Sigmoid(logit) - label), BitConverter.SingleToInt32Bits(residual));
            }
        }

        Assert.True(float.IsNaN(HashedLogisticRegression.LossAndResidual(float.NaN, 1f, out float nanLoss)) && float.IsNaN(nanLoss));
    }
}
