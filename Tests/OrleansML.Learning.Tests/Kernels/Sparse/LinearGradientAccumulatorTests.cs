using OrleansML.Learning.Kernels;

namespace OrleansML.Learning.Tests.Kernels.Sparse;

public class LinearGradientAccumulatorTests
{
    // Sizes around the summary's granularity: one bitmap word (64 features) and one summary word (4,096 features).
    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(4_095)]
    [InlineData(4_097)]
    [InlineData(1 << 20)]
    public void Successive_batches_flush_the_sums_of_their_own_rows_in_ascending_key_order(int featureCount)
    {
        var random = new Random(featureCount);
        var accumulator = new LinearGradientAccumulator(featureCount);
        for (int batch = 0; batch < 3; batch++)
        {
            var expected = new SortedDictionary<int, double>();
            for (int row = 0; row < 20; row++)
            {
                int[] ids = [.. Enumerable.Range(0, 1 + random.Next(12)).Select(_ => random.Next(featureCount))];
                ids[0] = batch == 1 && row == 0 ? featureCount - 1 : ids[0];
                float[] values = [.. ids.Select(_ => (float)(random.NextDouble() - 0.5))];
                float scale = (float)(random.NextDouble() + 0.5);
                accumulator.AddScaledRow(ids, values, scale);
                for (int j = 0; j < ids.Length; j++)
                {
                    expected[ids[j]] = expected.GetValueOrDefault(ids[j]) + (double)(scale * values[j]);
                }
            }

            var gradient = new SparseGradient(featureCount + 10);
            accumulator.FlushTo(gradient, 10);

            Assert.Equal(expected.Keys.Select(key => key + 10), gradient.Keys.ToArray());
            Assert.Equal(expected.Values, gradient.Values.ToArray().Select(value => (double)value), new ToleranceComparer(1e-5));
        }
    }

    [Fact]
    public void Reset_forgets_a_half_added_batch_so_the_next_flush_holds_only_the_next_batch()
    {
        var accumulator = new LinearGradientAccumulator(10_000);
        accumulator.AddScaledRow([5, 9_999, 4_100], [1f, 2f, 3f], 1f);
        accumulator.Reset();
        accumulator.AddScaledRow([7], [0.5f], 2f);

        var gradient = new SparseGradient(10_000);
        accumulator.FlushTo(gradient, 0);

        Assert.Equal([7], gradient.Keys.ToArray());
        Assert.Equal([1f], gradient.Values.ToArray());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
