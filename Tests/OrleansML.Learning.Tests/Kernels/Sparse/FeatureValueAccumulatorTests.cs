using OrleansML.Learning.Kernels;
using OrleansML.Learning.Models;

namespace OrleansML.Learning.Tests.Kernels.Sparse;

public class FeatureValueAccumulatorTests
{
    [Theory]
    [InlineData(1 << 20, 40_000)]
    [InlineData(5000, 3000)]
    [InlineData(1, 3)]
    [InlineData(70, 10)]
    public void Flush_writes_every_touched_feature_in_ascending_key_order(int featureCount, int nonzeros)
    {
        var random = new Random(nonzeros);
        int[] ids = Enumerable.Range(0, nonzeros).Select(_ => random.Next(featureCount)).ToArray();
        float[] values = Enumerable.Range(0, nonzeros).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        // A zero value still touches its feature, and the key must appear.
        values[0] = 0f;
        var expected = new SortedDictionary<int, double>();
        for (int j = 0; j < nonzeros; j++)
        {
            expected[3 + ids[j]] = expected.GetValueOrDefault(3 + ids[j]) + (-2.0 * values[j]);
        }

        var accumulator = new FeatureValueAccumulator(featureCount);
        accumulator.AddScaledRow(ids.AsSpan(0, nonzeros / 2), values.AsSpan(0, nonzeros / 2), -2f);
        accumulator.AddScaledRow(ids.AsSpan(nonzeros / 2), values.AsSpan(nonzeros / 2), -2f);
        var gradient = new SparseGradient(featureCount + 3);
        accumulator.FlushTo(gradient, 3);

        Assert.Equal(expected.Keys.ToArray(), gradient.Keys.ToArray());
        int index = 0;
        foreach (double value in expected.Values)
        {
            Assert.Equal(value, gradient.Values[index++], 1e-3);
        }

        // Emptied: a second flush writes nothing.
        var second = new SparseGradient(featureCount + 3);
        accumulator.FlushTo(second, 3);
        Assert.Equal(0, second.Count);
    }

    [Fact]
    public void Reset_discards_values_so_the_next_batch_starts_from_zero()
    {
        var accumulator = new FeatureValueAccumulator(10_000);
        accumulator.AddScaledRow([9_999, 5, 4_096], [1f, 2f, 3f], 1f);
        accumulator.Reset();
        accumulator.AddScaledRow([5], [7f], 1f);
        var gradient = new SparseGradient(10_000);
        accumulator.FlushTo(gradient, 0);
        Assert.Equal([5], gradient.Keys.ToArray());
        Assert.Equal([7f], gradient.Values.ToArray());
    }

    [Fact]
    public void An_id_outside_the_features_throws()
    {
        var accumulator = new FeatureValueAccumulator(8);
        Assert.Throws<IndexOutOfRangeException>(() => accumulator.AddScaledRow([8], [1f], 1f));
    }
}
