using OrleansML.Learning.Kernels;
using OrleansML.Learning.Models;

namespace OrleansML.Learning.Tests.Kernels.Sparse;

public class FeatureBlockAccumulatorTests
{
    [Theory]
    [InlineData(1 << 20, 1, 30_000)]
    [InlineData(1_000_000, 9, 20_000)]
    [InlineData(1, 3, 5)]
    [InlineData(3000, 4, 50)]
    public void Flush_writes_every_block_in_ascending_key_order(int featureCount, int blockLength, int additions)
    {
        var random = new Random(additions + blockLength);
        var accumulator = new FeatureBlockAccumulator(featureCount, blockLength);
        int stride = blockLength + 2;
        const int FirstKey = 5;
        var expected = new SortedDictionary<int, double>();
        for (int i = 0; i < additions; i++)
        {
            int feature = random.Next(featureCount);
            Span<float> block = accumulator.Block(feature);
            for (int b = 0; b < blockLength; b++)
            {
                float value = (float)random.NextDouble();
                block[b] += value;
                int key = FirstKey + (feature * stride) + b;
                expected[key] = expected.GetValueOrDefault(key) + value;
            }
        }

        var gradient = new SparseGradient(FirstKey + (featureCount * stride));
        accumulator.FlushTo(gradient, FirstKey, stride);

        Assert.Equal(0, accumulator.Count);
        Assert.Equal(expected.Keys.ToArray(), gradient.Keys.ToArray());
        int index = 0;
        foreach (double value in expected.Values)
        {
            Assert.Equal(value, gradient.Values[index++], 1e-3);
        }
    }

    [Fact]
    public void Blocks_start_at_zero_again_after_a_flush_or_a_reset()
    {
        var accumulator = new FeatureBlockAccumulator(2000, 2);
        for (int feature = 1999; feature >= 0; feature--)
        {
            accumulator.Block(feature)[1] = feature;
        }

        accumulator.FlushTo(new SparseGradient(4000), 0, 2);
        Assert.Equal([0f, 0f], accumulator.Block(7).ToArray());
        accumulator.Block(7)[0] += 3f;
        accumulator.Reset();
        Assert.Equal(0, accumulator.Count);
        accumulator.Block(7)[0] += 1f;
        var gradient = new SparseGradient(4000);
        accumulator.FlushTo(gradient, 0, 2);
        Assert.Equal([14, 15], gradient.Keys.ToArray());
        Assert.Equal([1f, 0f], gradient.Values.ToArray());
    }
}
