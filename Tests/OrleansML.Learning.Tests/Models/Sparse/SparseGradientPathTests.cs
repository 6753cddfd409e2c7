namespace OrleansML.Learning.Tests.Models.Sparse;

/// <summary>
/// Every kernel path (scalar, AVX2, AVX-512, the last in the runtime's software fallback where the CPU lacks it)
/// against a double-precision scalar reference written here: values, keys, loss. Rows include empty ones,
/// repeated ids, and lengths that leave partial vectors.
/// </summary>
public class SparseGradientPathTests
{
    /// <summary>Every <see cref="SimdLevel"/> by number (the enum is internal): scalar, AVX2, AVX-512.</summary>
    public static TheoryData<int> Levels => [0, 1, 2];

    [Theory]
    [MemberData(nameof(Levels))]
    public void Hashed_logistic_regression_gradient_equals_the_reference(int levelNumber)
    {
        var level = (SimdLevel)levelNumber;
        using IDisposable? pinned = Pin(level);
        if (pinned is null)
        {
            return;
        }

        var model = new HashedLogisticRegression(new HashedLogisticRegressionOptions { HashBits = 12 });
        var data = SparseTestData.Random(seed: 41, rowCount: 300, model.FeatureCount, usedFeatures: 3000, maximumRowLength: 21, binaryLabels: true);
        float[] parameters = SparseTestData.RandomParameters(42, model.ParameterCount, 0.4f);
        DataBatch batch = DataBatch.Of(data, 7, 250);

        var gradient = new SparseGradient(model.ParameterCount, 8);
        float loss = model.ComputeSparseGradient(parameters, batch, gradient);

        var expected = new SortedDictionary<int, double>();
        double expectedLoss = 0;
        for (int row = batch.Start; row < batch.Start + batch.Count; row++)
        {
            double logit = parameters[model.BiasIndex];
            foreach ((int id, float x) in Row(data, row))
            {
                logit += x * (double)parameters[id];
            }

            double probability = 1 / (1 + Math.Exp(-logit));
            double label = data.Labels[row];
            expectedLoss += -((label * Math.Log(probability)) + ((1 - label) * Math.Log(1 - probability)));
            double residual = (probability - label) / batch.Count;
            foreach ((int id, float x) in Row(data, row))
            {
                expected[id] = expected.GetValueOrDefault(id) + (residual * x);
            }

            expected[model.BiasIndex] = expected.GetValueOrDefault(model.BiasIndex) + residual;
        }

        Assert.Equal(expectedLoss / batch.Count, loss, 1e-5);
        AssertGradient(expected, gradient);
        AssertDenseEqualsSparseExactly(model, parameters, batch, gradient);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Factorization_machine_gradient_equals_the_reference(int levelNumber)
    {
        var level = (SimdLevel)levelNumber;
        using IDisposable? pinned = Pin(level);
        if (pinned is null)
        {
            return;
        }

        foreach (int factorCount in new[] { 8, 16, 5, 19, 32 })
        {
            foreach (ModelTask task in new[] { ModelTask.BinaryClassification, ModelTask.Regression })
            {
                var model = new FactorizationMachine(new FactorizationMachineOptions { FeatureCount = 3000, FactorCount = factorCount, Task = task, InitialFactorStandardDeviation = 0.2f });
                var data = SparseTestData.Random(seed: 43 + factorCount, rowCount: 120, model.FeatureCount, usedFeatures: 2900, maximumRowLength: 19, binaryLabels: task == ModelTask.BinaryClassification);
                float[] parameters = SparseTestData.RandomParameters(44, model.ParameterCount, 0.3f);
                DataBatch batch = DataBatch.Of(data, 3, 110);
                var gradient = new SparseGradient(model.ParameterCount, 8);
                float loss = model.ComputeSparseGradient(parameters, batch, gradient);
                (SortedDictionary<int, double> expected, double expectedLoss) = FactorizationReference(model, parameters, data, batch);
                Assert.Equal(expectedLoss, loss, 1e-4);
                AssertGradient(expected, gradient);
                AssertDenseEqualsSparseExactly(model, parameters, batch, gradient);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Factor_kernels_agree_bit_for_bit_with_the_scalar_path(int levelNumber)
    {
        var level = (SimdLevel)levelNumber;
        using IDisposable? pinned = Pin(level);
        if (pinned is null)
        {
            return;
        }

        var random = new Random(45);
        foreach (int factorCount in new[] { 1, 7, 8, 9, 15, 16, 17, 24, 33 })
        {
            int stride = factorCount + 1;
            float[] parameters = SparseTestData.RandomParameters(factorCount, 2 + (50 * stride), 1f);
            int[] ids = Enumerable.Range(0, 23).Select(_ => random.Next(50)).ToArray();
            float[] values = Enumerable.Range(0, 23).Select(_ => (float)((random.NextDouble() * 3) - 1)).ToArray();
            float[] sums = new float[factorCount], squares = new float[factorCount];
            float[] scalarSums = new float[factorCount], scalarSquares = new float[factorCount];
            float linear = FactorKernels.AccumulateRow(ids, values, parameters, 1, stride, sums, squares, level);
            float scalarLinear = FactorKernels.AccumulateRow(ids, values, parameters, 1, stride, scalarSums, scalarSquares, SimdLevel.Scalar);
            Assert.Equal(scalarLinear, linear);
            Assert.Equal(scalarSums, sums);
            Assert.Equal(scalarSquares, squares);

            float[] partials = SparseTestData.RandomParameters(factorCount + 100, factorCount, 1f);
            float[] scalarPartials = (float[])partials.Clone();
            FactorGradientKernels.AddScaledSums(0.37f, sums, partials, level);
            FactorGradientKernels.AddScaledSums(0.37f, sums, scalarPartials, SimdLevel.Scalar);
            Assert.Equal(scalarPartials, partials);

            ReadOnlySpan<float> factors = parameters.AsSpan(2 + (ids[0] * stride), factorCount);
            float[] finished = new float[factorCount], scalarFinished = new float[factorCount];
            FactorGradientKernels.Finish(partials, -0.61f, factors, finished, level);
            FactorGradientKernels.Finish(partials, -0.61f, factors, scalarFinished, SimdLevel.Scalar);
            Assert.Equal(scalarFinished, finished);
        }
    }

    /// <summary>Pins <paramref name="level"/>; null (after asserting that pinning it is refused) where AVX2 is missing.</summary>
    private static IDisposable? Pin(SimdLevel level)
    {
        if (level == SimdLevel.Avx2 && !KernelSupport.Avx2Available)
        {
            Assert.Throws<ArgumentException>(() => KernelSupport.Force(level));
            return null;
        }

        return KernelSupport.Force(level);
    }

    private static IEnumerable<(int Id, float Value)> Row(SparseDataset<int> data, int row)
    {
        int[] ids = data.RowIndices(row).ToArray();
        float[] values = data.RowValues(row).ToArray();
        return ids.Zip(values);
    }

    private static (SortedDictionary<int, double> Gradient, double Loss) FactorizationReference(FactorizationMachine model, float[] p, SparseDataset<int> data, DataBatch batch)
    {
        var gradient = new SortedDictionary<int, double>();
        double lossSum = 0;
        int k = model.FactorCount;
        for (int row = batch.Start; row < batch.Start + batch.Count; row++)
        {
            (int Id, float Value)[] nonzeros = Row(data, row).ToArray();
            double raw = SparseTestData.FactorizationRaw(model, p, data.RowIndices(row), data.RowValues(row));
            double[] sums = new double[k];
            foreach ((int id, float x) in nonzeros)
            {
                for (int f = 0; f < k; f++)
                {
                    sums[f] += x * (double)p[model.FactorIndex(id, f)];
                }
            }

            double label = data.Labels[row];
            double slope;
            if (model.Task == ModelTask.BinaryClassification)
            {
                double probability = 1 / (1 + Math.Exp(-raw));
                lossSum += -((label * Math.Log(probability)) + ((1 - label) * Math.Log(1 - probability)));
                slope = probability - label;
            }
            else
            {
                slope = raw - label;
                lossSum += 0.5 * slope * slope;
            }

            double scale = slope / batch.Count;
            gradient[0] = gradient.GetValueOrDefault(0) + scale;
            foreach ((int id, float x) in nonzeros)
            {
                int linear = model.LinearWeightIndex(id);
                gradient[linear] = gradient.GetValueOrDefault(linear) + (scale * x);
                for (int f = 0; f < k; f++)
                {
                    int key = model.FactorIndex(id, f);
                    gradient[key] = gradient.GetValueOrDefault(key) + (scale * ((x * sums[f]) - (x * x * p[key])));
                }
            }
        }

        return (gradient, lossSum / batch.Count);
    }

    private static void AssertGradient(SortedDictionary<int, double> expected, SparseGradient gradient)
    {
        Assert.True(gradient.IsSorted);
        Assert.Equal(expected.Keys.ToArray(), gradient.Keys.ToArray());
        int i = 0;
        foreach ((int key, double value) in expected)
        {
            float actual = gradient.Values[i++];
            Assert.True(Math.Abs(actual - value) <= 1e-5 + (1e-4 * Math.Abs(value)), $"key {key}: {actual}, reference {value}");
        }
    }

    private static void AssertDenseEqualsSparseExactly(ISparseModel model, float[] parameters, DataBatch batch, SparseGradient sparse)
    {
        float[] dense = new float[model.ParameterCount];
        model.ComputeGradient(parameters, batch, dense);
        for (int i = 0; i < sparse.Count; i++)
        {
            Assert.Equal(dense[sparse.Keys[i]], sparse.Values[i]);
        }
    }
}
