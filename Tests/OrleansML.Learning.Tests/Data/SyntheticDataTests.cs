using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using OrleansML.Learning.Data.Synthetic;

namespace OrleansML.Learning.Tests.Data;

public class SyntheticDataTests
{
    private static Matrix<double> DesignWithIntercept(DenseDataset data) =>
        Matrix<double>.Build.Dense(data.RowCount, data.ColumnCount + 1, (r, c) => c == data.ColumnCount ? 1.0 : data.Row(r)[c]);

    /// <summary>The clicks the true model expects: the sum over rows of sigmoid(bias + the weights of the row's ids).</summary>
    private static double ExpectedClicks(SyntheticSparseProblem problem, SparseDataset<int> data) =>
        Enumerable.Range(0, data.RowCount).Sum(r => 1 / (1 + Math.Exp(-(problem.Bias + data.RowIndices(r).ToArray().Sum(id => (double)problem.Weights[id])))));

    [Fact]
    public void Least_squares_on_linear_data_recovers_the_true_weights()
    {
        SyntheticDenseProblem problem = SyntheticData.LinearRegression(new DenseProblemOptions { RowCount = 2000, FeatureCount = 8, NoiseStandardDeviation = 0.05, Seed = 11 });

        Matrix<double> x = DesignWithIntercept(problem.Dataset);
        Vector<double> y = Vector<double>.Build.Dense(problem.Dataset.Labels.ToArray().Select(v => (double)v).ToArray());
        Vector<double> solution = x.QR().Solve(y);

        for (int j = 0; j < 8; j++)
        {
            Assert.Equal(problem.Weights[j], solution[j], 0.01);
        }

        Assert.Equal(problem.Bias, solution[8], 0.01);
        double residual = (x * solution - y).L2Norm() / Math.Sqrt(2000);
        Assert.Equal(0.05, residual, 0.01);
    }

    [Fact]
    public void Same_seed_gives_the_same_data_and_another_seed_does_not()
    {
        var options = new DenseProblemOptions { RowCount = 50, Seed = 5 };
        SyntheticDenseProblem a = SyntheticData.LinearRegression(options);
        SyntheticDenseProblem b = SyntheticData.LinearRegression(options);
        SyntheticDenseProblem c = SyntheticData.LinearRegression(new DenseProblemOptions { RowCount = 50, Seed = 6 });

        Assert.Equal(a.Dataset.Features.ToArray(), b.Dataset.Features.ToArray());
        Assert.Equal(a.Weights, b.Weights);
        Assert.NotEqual(a.Weights, c.Weights);
    }

    [Fact]
    public void Logistic_data_follows_the_true_model()
    {
        SyntheticDenseProblem problem = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 6000, FeatureCount = 4, Seed = 2 });
        DenseDataset data = problem.Dataset;
        Assert.All(data.Labels.ToArray(), label => Assert.True(label is 0f or 1f));

        // Newton's method (IRLS) for the maximum-likelihood logistic fit.
        Matrix<double> x = DesignWithIntercept(data);
        Vector<double> y = Vector<double>.Build.Dense(data.Labels.ToArray().Select(v => (double)v).ToArray());
        Vector<double> beta = Vector<double>.Build.Dense(5);
        for (int iteration = 0; iteration < 12; iteration++)
        {
            Vector<double> p = (x * beta).Map(s => 1 / (1 + Math.Exp(-s)));
            Vector<double> w = p.PointwiseMultiply(1 - p);
            Matrix<double> hessian = x.TransposeThisAndMultiply(x.MapIndexed((r, _, v) => v * w[r]));
            beta += hessian.Solve(x.TransposeThisAndMultiply(y - p));
        }

        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(problem.Weights[j], beta[j], 0.25);
        }

        Assert.Equal(problem.Bias, beta[4], 0.25);
    }

    [Fact]
    public void Click_through_features_follow_zipf_order_and_labels_follow_the_weights()
    {
        SyntheticSparseProblem problem = SyntheticData.ClickThrough(new ClickThroughOptions { RowCount = 10_000, FeatureCount = 5000, Seed = 4 });
        SparseDataset<int> data = problem.Dataset;

        int[] presence = new int[data.FeatureCount];
        foreach (int id in data.Indices)
        {
            presence[id]++;
        }

        for (int k = 1; k < 10; k++)
        {
            Assert.True(presence[k - 1] > presence[k], $"id {k - 1} should be more frequent than id {k}");
        }

        Assert.True(presence[0] > 20 * presence[2000]);
        Assert.All(Enumerable.Range(0, data.RowCount), r => Assert.True(data.RowIndices(r).ToArray().SequenceEqual(data.RowIndices(r).ToArray().Distinct().Order())));
        double expectedClicks = ExpectedClicks(problem, data);
        Assert.Equal(expectedClicks, data.Labels.ToArray().Sum(), 3 * Math.Sqrt(expectedClicks));
    }

    [Theory]
    [InlineData(1, 1.1)]
    [InlineData(7, 0.5)]
    [InlineData(100_000, 1.1)]
    [InlineData(100_000, 2.5)]
    public void Guided_zipf_draws_match_a_binary_search_of_the_whole_table(int features, double exponent)
    {
        double[] cumulative = SyntheticData.ZipfCumulative(features, exponent);
        int[] guide = ClickThroughRows.Guide(cumulative);
        var random = new Random(3);
        double[] uniforms = [0.0, 1e-12, cumulative[0], Math.BitDecrement(cumulative[0]), Math.BitDecrement(1.0), .. Enumerable.Range(0, 20_000).Select(_ => random.NextDouble())];
        foreach (double u in uniforms)
        {
            int expected = Array.BinarySearch(cumulative, u);
            expected = Math.Min(expected >= 0 ? expected : ~expected, features - 1);
            Assert.Equal(expected, ClickThroughRows.Draw(cumulative, guide, u));
        }
    }

    [Fact]
    public void Click_through_held_out_rows_are_new_draws_from_the_same_model()
    {
        var options = new ClickThroughOptions { RowCount = 4000, FeatureCount = 3000, Seed = 5 };
        SyntheticSparseProblem problem = SyntheticData.ClickThrough(options);
        SparseDataset<int> heldOut = SyntheticData.ClickThroughHeldOut(problem, options, rowCount: 6000, seed: 99);

        Assert.Equal(6000, heldOut.RowCount);
        Assert.Equal(options.FeatureCount, heldOut.FeatureCount);
        Assert.False(heldOut.RowIndices(0).SequenceEqual(problem.Dataset.RowIndices(0)) && heldOut.RowIndices(1).SequenceEqual(problem.Dataset.RowIndices(1)));
        double expectedClicks = ExpectedClicks(problem, heldOut);
        Assert.Equal(expectedClicks, heldOut.Labels.ToArray().Sum(), 3 * Math.Sqrt(expectedClicks));
        Assert.Equal(SyntheticData.ClickThroughHeldOut(problem, options, 6000, 99).Indices.ToArray(), heldOut.Indices.ToArray());
        Assert.Throws<ArgumentException>(() => SyntheticData.ClickThroughHeldOut(problem, new ClickThroughOptions { FeatureCount = 10 }, 10, 1));
    }

    [Fact]
    public void Zipf_table_agrees_with_mathnet()
    {
        double[] cumulative = SyntheticData.ZipfCumulative(50, 1.3);

        double sum = 0;
        for (int k = 0; k < 50; k++)
        {
            sum += Zipf.PMF(1.3, 50, k + 1);
            Assert.Equal(sum, cumulative[k], 1e-12);
        }
    }

    [Fact]
    public void Ratings_are_one_hot_low_rank_and_noisy_by_the_given_amount()
    {
        var options = new RatingsOptions { UserCount = 60, ItemCount = 80, Rank = 3, ObservedFraction = 0.25, NoiseStandardDeviation = 0.2, Seed = 9 };
        SyntheticRatings ratings = SyntheticData.LowRankRatings(options);
        SparseDataset<int> data = ratings.Dataset;

        Assert.Equal(60 * 20, data.RowCount);
        Assert.Equal(140, data.FeatureCount);
        double squaredError = 0;
        var seen = new HashSet<(int, int)>();
        for (int r = 0; r < data.RowCount; r++)
        {
            ReadOnlySpan<int> ids = data.RowIndices(r);
            Assert.Equal(2, ids.Length);
            Assert.InRange(ids[0], 0, 59);
            Assert.InRange(ids[1], 60, 139);
            Assert.True(seen.Add((ids[0], ids[1])), "a (user, item) pair is rated once");
            double error = data.Labels[r] - ratings.TrueRating(ids[0], ids[1] - 60);
            squaredError += error * error;
        }

        Assert.Equal(0.2, Math.Sqrt(squaredError / data.RowCount), 0.02);
        Matrix<double> full = Matrix<double>.Build.Dense(60, 80, (u, i) => ratings.TrueRating(u, i));
        // Rank 3 up to float rounding: three large singular values, the rest at rounding-noise level.
        Vector<double> singular = full.Svd(computeVectors: false).S;
        Assert.True(singular[2] > 0.1 * singular[0]);
        Assert.True(singular[3] < 1e-5 * singular[0], $"fourth singular value {singular[3]} vs first {singular[0]}");
    }

    [Fact]
    public void Invalid_generator_options_name_the_option()
    {
        Assert.Equal("RowCount", Assert.Throws<ArgumentOutOfRangeException>(() => new DenseProblemOptions { RowCount = 0 }).ParamName);
        Assert.Equal("ZipfExponent", Assert.Throws<ArgumentOutOfRangeException>(() => new ClickThroughOptions { ZipfExponent = 0 }).ParamName);
        Assert.Equal("ObservedFraction", Assert.Throws<ArgumentOutOfRangeException>(() => new RatingsOptions { ObservedFraction = 1.5 }).ParamName);
        Assert.Equal("NoiseStandardDeviation", Assert.Throws<ArgumentOutOfRangeException>(() => new DenseProblemOptions { NoiseStandardDeviation = -1 }).ParamName);
    }
}
