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

    [Fact]
    public void An_id_out_of_range_throws_naming_it_and_a_reset_drops_the_ids_added_before_it()
    {
        var accumulator = new LinearGradientAccumulator(100);
        // Negative ids wrap to large unsigned values, which the one compare per id must catch as well.
        foreach (int bad in new[] { 100, -1, int.MinValue })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.AddScaledRow([3, 99, bad, 4], [1f, 1f, 1f, 1f], 1f));
            Assert.Contains($"Feature id {bad} at position 2", error.Message, StringComparison.Ordinal);
            Assert.Equal("indices", error.ParamName);
            accumulator.Reset();
        }

        accumulator.AddScaledRow([50], [2f], 1f);
        var gradient = new SparseGradient(100);
        accumulator.FlushTo(gradient, 0);

        Assert.Equal([50], gradient.Keys.ToArray());
        Assert.Equal([2f], gradient.Values.ToArray());
    }

    [Fact]
    public void A_row_that_fails_at_its_first_id_after_a_half_added_one_is_still_undone_by_reset()
    {
        // The first row of a batch throws after marking id 7: the count of ids added must cover that mark, or Reset
        // (which skips an accumulator that counted nothing) would leave 7 for the next batch.
        var accumulator = new LinearGradientAccumulator(64);
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.AddScaledRow([7, 64], [1f, 1f], 1f));
        accumulator.Reset();
        accumulator.AddScaledRow([9], [1f], 3f);
        var gradient = new SparseGradient(64);
        accumulator.FlushTo(gradient, 0);

        Assert.Equal([9], gradient.Keys.ToArray());
        Assert.Equal([3f], gradient.Values.ToArray());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
