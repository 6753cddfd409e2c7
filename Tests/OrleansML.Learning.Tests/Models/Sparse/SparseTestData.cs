namespace OrleansML.Learning.Tests.Models.Sparse;

/// <summary>Small random CSR datasets and gradient helpers shared by the sparse model tests.</summary>
internal static class SparseTestData
{
    /// <summary>
    /// Rows of 0 to <paramref name="maximumRowLength"/> entries (so some rows are empty), ids drawn from the
    /// first <paramref name="usedFeatures"/> of <paramref name="featureCount"/> (so most parameters stay
    /// untouched, and ids repeat within rows), values in [-1, 2), labels 0/1 or real.
    /// </summary>
    public static SparseDataset<int> Random(int seed, int rowCount, int featureCount, int usedFeatures, int maximumRowLength, bool binaryLabels)
    {
        var random = new Random(seed);
        int[] rowPointers = new int[rowCount + 1];
        var ids = new List<int>();
        var values = new List<float>();
        float[] labels = new float[rowCount];
        for (int row = 0; row < rowCount; row++)
        {
            int length = random.Next(maximumRowLength + 1);
            for (int j = 0; j < length; j++)
            {
                ids.Add(random.Next(usedFeatures));
                values.Add((float)((random.NextDouble() * 3) - 1));
            }

            rowPointers[row + 1] = ids.Count;
            labels[row] = binaryLabels ? random.Next(2) : (float)((random.NextDouble() * 4) - 2);
        }

        return new SparseDataset<int>(rowPointers, ids.ToArray(), values.ToArray(), labels, featureCount);
    }

    /// <summary>A factorization machine's raw ŷ from the O(n²) pairwise definition, in double.</summary>
    public static double FactorizationRaw(FactorizationMachine model, float[] parameters, ReadOnlySpan<int> ids, ReadOnlySpan<float> values)
    {
        double prediction = parameters[FactorizationMachine.GlobalBiasIndex];
        for (int a = 0; a < ids.Length; a++)
        {
            prediction += (double)parameters[model.LinearWeightIndex(ids[a])] * values[a];
            for (int b = a + 1; b < ids.Length; b++)
            {
                for (int f = 0; f < model.FactorCount; f++)
                {
                    prediction += (double)parameters[model.FactorIndex(ids[a], f)] * parameters[model.FactorIndex(ids[b], f)] * values[a] * values[b];
                }
            }
        }

        return prediction;
    }

    /// <summary>Random parameters in [-scale, scale).</summary>
    public static float[] RandomParameters(int seed, int count, float scale)
    {
        var random = new Random(seed);
        float[] parameters = new float[count];
        for (int i = 0; i < count; i++)
        {
            parameters[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return parameters;
    }

    /// <summary>Asserts the analytic gradient against central differences of the model's own loss.</summary>
    public static void AssertMatchesFiniteDifferences(IModel model, float[] parameters, DataBatch batch, float step, double tolerance)
    {
        float[] gradient = new float[model.ParameterCount];
        model.ComputeGradient(parameters, batch, gradient);
        for (int i = 0; i < parameters.Length; i++)
        {
            float original = parameters[i];
            parameters[i] = original + step;
            double plus = model.ComputeLoss(parameters, batch);
            parameters[i] = original - step;
            double minus = model.ComputeLoss(parameters, batch);
            parameters[i] = original;
            double numeric = (plus - minus) / (2 * step);
            Assert.True(
                Math.Abs(numeric - gradient[i]) <= tolerance * (1 + Math.Abs(numeric)),
                $"parameter {i}: analytic {gradient[i]}, central difference {numeric}");
        }
    }

    /// <summary>
    /// Asserts that the sparse gradient is sorted, equals the dense one at its keys, that the dense one is
    /// zero elsewhere, that its keys are exactly the touched keys, and that both return the same loss.
    /// </summary>
    public static void AssertSparseMatchesDense(ISparseModel model, float[] parameters, DataBatch batch)
    {
        float[] dense = new float[model.ParameterCount];
        float denseLoss = model.ComputeGradient(parameters, batch, dense);
        var sparse = new SparseGradient(model.ParameterCount, 4);
        // Pre-fill so that the test also proves ComputeSparseGradient clears what it is given.
        sparse.Add(model.ParameterCount - 1, 123f);
        float sparseLoss = model.ComputeSparseGradient(parameters, batch, sparse);
        Assert.Equal(denseLoss, sparseLoss, 1e-6);
        Assert.True(sparse.IsSorted);

        var touched = new SparseGradient(model.ParameterCount);
        model.CollectTouchedParameters(batch, touched);
        touched.SortByKey();
        Assert.Equal(touched.Keys.ToArray(), sparse.Keys.ToArray());

        bool[] isKey = new bool[model.ParameterCount];
        for (int i = 0; i < sparse.Count; i++)
        {
            isKey[sparse.Keys[i]] = true;
            Assert.Equal(dense[sparse.Keys[i]], sparse.Values[i], 1e-6);
        }

        for (int i = 0; i < dense.Length; i++)
        {
            if (!isKey[i])
            {
                Assert.Equal(0f, dense[i]);
            }
        }
    }

    /// <summary>
    /// Takes one step of <paramref name="stepSize"/> along the sparse gradient and asserts that the loss falls by
    /// more than <paramref name="minimumDecrease"/>.
    /// </summary>
    public static void AssertSparseStepLowersLoss(ISparseModel model, float[] parameters, DataBatch batch, float stepSize, double minimumDecrease)
    {
        var gradient = new SparseGradient(model.ParameterCount);
        float before = model.ComputeSparseGradient(parameters, batch, gradient);
        for (int i = 0; i < gradient.Count; i++)
        {
            parameters[gradient.Keys[i]] -= stepSize * gradient.Values[i];
        }

        float after = model.ComputeLoss(parameters, batch);
        Assert.True(after < before - minimumDecrease, $"loss {before} -> {after}");
    }
}
