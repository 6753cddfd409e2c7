using MathNet.Numerics.Distributions;

namespace OrleansML.Learning.Data.Synthetic;

/// <summary>
/// Seeded generators of datasets with known ground truth, for tests, benchmarks and demos: the true
/// weights or factors come back with the data so that a trainer's result can be checked against them.
/// Random draws use MathNet.Numerics distributions over <see cref="Random(int)"/>, so a seed gives the same data on every run.
/// </summary>
public static class SyntheticData
{
    /// <summary>y = x·w + b + noise, with x ~ N(0, 1) per feature, w and b ~ N(0, s^2), noise ~ N(0, sigma^2).</summary>
    public static SyntheticDenseProblem LinearRegression(DenseProblemOptions? options = null)
    {
        options ??= new DenseProblemOptions();
        var random = new Random(options.Seed);
        (float[] features, float[] weights, float bias) = DrawLinearModel(options, random);
        float[] labels = Scores(features, weights, bias, options.RowCount);
        if (options.NoiseStandardDeviation > 0)
        {
            var noise = new Normal(0, options.NoiseStandardDeviation, random);
            for (int r = 0; r < labels.Length; r++)
            {
                labels[r] += (float)noise.Sample();
            }
        }

        return new SyntheticDenseProblem(new DenseDataset(features, labels, options.FeatureCount), weights, bias);
    }

    /// <summary>Labels ~ Bernoulli(sigmoid(x·w + b)) in {0, 1}, with x ~ N(0, 1) per feature and w, b ~ N(0, s^2).</summary>
    public static SyntheticDenseProblem Logistic(DenseProblemOptions? options = null)
    {
        options ??= new DenseProblemOptions();
        var random = new Random(options.Seed);
        (float[] features, float[] weights, float bias) = DrawLinearModel(options, random);
        float[] labels = Scores(features, weights, bias, options.RowCount);
        for (int r = 0; r < labels.Length; r++)
        {
            labels[r] = Bernoulli.Sample(random, Sigmoid(labels[r]));
        }

        return new SyntheticDenseProblem(new DenseDataset(features, labels, options.FeatureCount), weights, bias);
    }

    /// <summary>
    /// CTR-like sparse binary data: each row draws <see cref="ClickThroughOptions.FeaturesPerRow"/> feature ids from a
    /// Zipf law (id 0 the most frequent), each present feature has value 1, and the label is
    /// Bernoulli(sigmoid(sum of the present features' weights + bias)). Ids within a row are sorted and distinct.
    /// </summary>
    public static SyntheticSparseProblem ClickThrough(ClickThroughOptions? options = null)
    {
        options ??= new ClickThroughOptions();
        var random = new Random(options.Seed);
        float[] weights = NormalVector(options.FeatureCount, options.WeightStandardDeviation, random);
        var dataset = ClickThroughRows.Draw(options, weights, options.RowCount, random);
        return new SyntheticSparseProblem(dataset, weights, (float)options.Bias);
    }

    /// <summary>
    /// More rows from the model behind <paramref name="problem"/> (drawn by <see cref="ClickThrough"/> with
    /// <paramref name="options"/>): a held-out set with the same features, weights and bias, but row draws seeded by
    /// <paramref name="seed"/>, so that a test split need not be cut out of (and copied from) the training rows.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="problem"/>'s weights do not match <paramref name="options"/>' feature count.</exception>
    public static SparseDataset<int> ClickThroughHeldOut(SyntheticSparseProblem problem, ClickThroughOptions options, int rowCount, int seed)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        if (problem.Weights.Length != options.FeatureCount)
        {
            throw new ArgumentException($"The problem has {problem.Weights.Length} weights but the options name {options.FeatureCount} features.", nameof(problem));
        }

        return ClickThroughRows.Draw(options, problem.Weights, rowCount, new Random(seed));
    }

    /// <summary>
    /// Ratings R = U Vᵀ + noise for a random subset of (user, item) pairs, with U, V ~ N(0, 1/sqrt(rank)) so that
    /// true ratings have unit variance. Each user rates the same number of distinct, randomly chosen items.
    /// </summary>
    public static SyntheticRatings LowRankRatings(RatingsOptions? options = null)
    {
        options ??= new RatingsOptions();
        var random = new Random(options.Seed);
        int rank = options.Rank;
        double factorDeviation = Math.Pow(rank, -0.25);
        float[] users = NormalVector(options.UserCount * rank, factorDeviation, random);
        float[] items = NormalVector(options.ItemCount * rank, factorDeviation, random);
        int perUser = Math.Max(1, (int)Math.Round(options.ObservedFraction * options.ItemCount));
        int rows = checked(perUser * options.UserCount);
        var pointers = new int[rows + 1];
        var indices = new int[rows * 2];
        var values = new float[rows * 2];
        var labels = new float[rows];
        values.AsSpan().Fill(1f);
        int[] itemOrder = new int[options.ItemCount];
        var noise = new Normal(0, options.NoiseStandardDeviation, random);
        int row = 0;
        for (int u = 0; u < options.UserCount; u++)
        {
            for (int i = 0; i < itemOrder.Length; i++)
            {
                itemOrder[i] = i;
            }

            // A partial Fisher-Yates shuffle picks perUser distinct items.
            for (int k = 0; k < perUser; k++)
            {
                int j = k + random.Next(itemOrder.Length - k);
                (itemOrder[k], itemOrder[j]) = (itemOrder[j], itemOrder[k]);
                int item = itemOrder[k];
                indices[2 * row] = u;
                indices[(2 * row) + 1] = options.UserCount + item;
                double rating = System.Numerics.Tensors.TensorPrimitives.Dot(users.AsSpan(u * rank, rank), items.AsSpan(item * rank, rank));
                labels[row] = (float)(options.NoiseStandardDeviation > 0 ? rating + noise.Sample() : rating);
                row++;
                pointers[row] = 2 * row;
            }
        }

        var dataset = new SparseDataset<int>(pointers, indices, values, labels, (long)options.UserCount + options.ItemCount);
        return new SyntheticRatings(dataset, users, items, options.UserCount, options.ItemCount, rank);
    }

    /// <summary>
    /// The Zipf cumulative distribution over ids 0..n-1 (id k has rank k+1). Computed directly because MathNet's
    /// Zipf.PMF recomputes the normalising harmonic sum on every call (O(n) each, O(n^2) for the table); the tests
    /// check this table against it.
    /// </summary>
    internal static double[] ZipfCumulative(int count, double exponent)
    {
        var cumulative = new double[count];
        double sum = 0;
        for (int k = 0; k < count; k++)
        {
            sum += Math.Pow(k + 1, -exponent);
            cumulative[k] = sum;
        }

        for (int k = 0; k < count; k++)
        {
            cumulative[k] /= sum;
        }

        // Rounding can leave the total a hair below 1; pin it so every uniform draw lands on some id.
        cumulative[^1] = 1.0;
        return cumulative;
    }

    /// <summary>Inverse-CDF draw by binary search: O(log n) per draw, where MathNet's Zipf sampler is O(n).</summary>
    internal static int DrawIndex(double[] cumulative, double uniform)
    {
        int index = Array.BinarySearch(cumulative, uniform);
        index = index >= 0 ? index : ~index;
        return Math.Min(index, cumulative.Length - 1);
    }

    private static (float[] Features, float[] Weights, float Bias) DrawLinearModel(DenseProblemOptions options, Random random)
    {
        float[] weights = NormalVector(options.FeatureCount, options.WeightStandardDeviation, random);
        float bias = (float)Normal.Sample(random, 0, options.WeightStandardDeviation);
        float[] features = NormalVector(checked(options.RowCount * options.FeatureCount), 1.0, random);
        return (features, weights, bias);
    }

    private static float[] Scores(float[] features, float[] weights, float bias, int rowCount)
    {
        var scores = new float[rowCount];
        int columns = weights.Length;
        for (int r = 0; r < rowCount; r++)
        {
            scores[r] = System.Numerics.Tensors.TensorPrimitives.Dot(features.AsSpan(r * columns, columns), weights) + bias;
        }

        return scores;
    }

    private static float[] NormalVector(int length, double standardDeviation, Random random)
    {
        var samples = new double[length];
        Normal.Samples(random, samples, 0, standardDeviation);
        var vector = new float[length];
        for (int i = 0; i < length; i++)
        {
            vector[i] = (float)samples[i];
        }

        return vector;
    }

    internal static double Sigmoid(double score) => 1.0 / (1.0 + Math.Exp(-score));
}
