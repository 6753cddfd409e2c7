using OrleansML.Learning.Kernels;
using OrleansML.Learning.Models;

namespace OrleansML.Learning.Tests.Kernels.Sparse;

public class GradientKeySorterTests
{
    [Theory]
    [InlineData(1 << 20, 30_000)]
    [InlineData(9_437_185, 50_000)]
    [InlineData(1000, 700)]
    [InlineData(1000, 20)]
    public void Sort_keeps_every_entry_and_leaves_keys_ascending(int parameterCount, int additions)
    {
        var random = new Random(additions);
        var gradient = new SparseGradient(parameterCount);
        var expected = new Dictionary<int, double>();
        for (int i = 0; i < additions; i++)
        {
            int key = random.Next(parameterCount);
            float value = (float)random.NextDouble();
            gradient.Add(key, value);
            expected[key] = expected.GetValueOrDefault(key) + value;
        }

        var sorter = new GradientKeySorter();
        sorter.Sort(gradient);

        Assert.True(gradient.IsSorted);
        Assert.Equal(expected.Count, gradient.Count);
        int[] keys = gradient.Keys.ToArray();
        Assert.Equal(expected.Keys.Order().ToArray(), keys);
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(expected[keys[i]], gradient.Values[i], 1e-4);
        }

        // The gradient must still clear and accumulate correctly after the sorter refilled it.
        gradient.Clear();
        gradient.Add(keys[^1], 2f);
        gradient.Add(keys[^1], 3f);
        Assert.Equal(1, gradient.Count);
        Assert.Equal(5f, gradient.Values[0]);
    }

    [Fact]
    public void The_sorter_is_reusable_across_gradients_of_different_sizes()
    {
        var sorter = new GradientKeySorter();
        var large = new SparseGradient(100_000);
        for (int key = 99_999; key >= 0; key -= 3)
        {
            large.Add(key, key);
        }

        sorter.Sort(large);
        var small = new SparseGradient(5_000);
        for (int key = 4_998; key >= 0; key -= 2)
        {
            small.Add(key, -key);
        }

        sorter.Sort(small);
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => 2 * i).ToArray(), small.Keys.ToArray());
        Assert.Equal(-4_998f, small.Values[^1]);
        Assert.Equal(0, large.Keys[0]);
        Assert.Equal(99_999f, large.Values[^1]);
    }
}
