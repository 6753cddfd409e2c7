using OrleansML.Grains.Workers;
using OrleansML.Learning.Models.Sparse;

namespace OrleansML.Training.Tests.Workers;

public sealed class BatchKeysTests
{
    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 100)]
    [InlineData(255, 1 << 10)]
    [InlineData(256, 1 << 10)] // the first count that takes the radix path
    [InlineData(5_000, (1 << 24) + 1)] // a 2^24 hashed model's keys and its bias: 25 bits, three passes
    [InlineData(30_000, 1 << 24)] // 24 bits: two passes of 12
    [InlineData(3_000, 9 << 20)] // a factorization machine's (k + 1) keys a feature
    [InlineData(2_000, int.MaxValue)] // 31 bits
    [InlineData(1_000, 1)] // every key is 0
    public void KeySortSortsLikeArraySort(int count, int bound)
    {
        var random = new Random(count ^ bound);
        int[] keys = new int[count + 3]; // the tail past count must stay untouched
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = random.Next(bound);
        }

        int[] expected = [.. keys];
        Array.Sort(expected, 0, count);
        int[] scratch = [];

        KeySort.Sort(keys, count, bound, ref scratch);

        Assert.Equal(expected, keys);
    }

    [Fact]
    public void KeySortKeepsDuplicatesAndReusesItsScratch()
    {
        int[] keys = [.. Enumerable.Range(0, 1_000).Select(i => (i * 7919) % 300)];
        int[] scratch = new int[2_000];
        int[] given = scratch;

        KeySort.Sort(keys, keys.Length, 300, ref scratch);

        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (i * 7919) % 300).Order(), keys);
        Assert.Same(given, scratch);
    }

    [Fact]
    public void KeysAreTheSortedDistinctParametersTheBatchTouches()
    {
        var model = new HashedLogisticRegression(new HashedLogisticRegressionOptions { HashBits = 12 });
        SparseDataset<int> data = Rows(600, features: 1 << 12, seed: 3);
        var keys = new BatchKeys(model, model.ParameterCount);

        DataBatch batch = DataBatch.Of(data, 100, 400);
        int[] actual = keys.For(step: 0, batch).ToArray();

        int[] expected = [.. data.Indices[data.RowPointers[100]..data.RowPointers[500]].ToArray().Append(model.ParameterCount - 1).Distinct().Order()];
        Assert.True(expected.Length > KeySort.RadixThreshold, "the batch exercises the radix path");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void PreparedKeysServeOnlyTheirStepAndBatch()
    {
        var model = new HashedLogisticRegression(new HashedLogisticRegressionOptions { HashBits = 10 });
        SparseDataset<int> data = Rows(200, features: 1 << 10, seed: 4);
        var keys = new BatchKeys(model, model.ParameterCount);
        DataBatch first = DataBatch.Of(data, 0, 100);
        DataBatch second = DataBatch.Of(data, 100, 100);
        int[] firstKeys = new BatchKeys(model, model.ParameterCount).For(0, first).ToArray();
        int[] secondKeys = new BatchKeys(model, model.ParameterCount).For(0, second).ToArray();
        Assert.NotEqual(firstKeys, secondKeys);

        keys.Prepare(step: 7, second);
        Assert.Equal(secondKeys, keys.For(7, second).ToArray());

        // Prepared for step 7, asked for step 8 or for another batch at step 7: collected afresh.
        keys.Prepare(step: 7, second);
        Assert.Equal(firstKeys, keys.For(8, first).ToArray());
        keys.Prepare(step: 7, second);
        Assert.Equal(firstKeys, keys.For(7, first).ToArray());

        // A preparation serves once.
        keys.Prepare(step: 9, second);
        Assert.Equal(secondKeys, keys.For(9, second).ToArray());
        Assert.Equal(firstKeys, keys.For(9, first).ToArray());
    }

    private static SparseDataset<int> Rows(int rows, int features, int seed)
    {
        var random = new Random(seed);
        var pointers = new int[rows + 1];
        var indices = new List<int>();
        for (int row = 0; row < rows; row++)
        {
            // Distinct, ascending ids within a row, as the data files hold them.
            int[] ids = [.. Enumerable.Range(0, 1 + random.Next(6)).Select(_ => random.Next(features)).Distinct().Order()];
            indices.AddRange(ids);
            pointers[row + 1] = indices.Count;
        }

        return new SparseDataset<int>(pointers, [.. indices], [.. indices.Select(_ => 1f)], [.. Enumerable.Range(0, rows).Select(i => (float)(i % 2))], features);
    }
}
