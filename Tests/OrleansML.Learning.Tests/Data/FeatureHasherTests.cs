namespace OrleansML.Learning.Tests.Data;

public class FeatureHasherTests
{
    [Fact]
    public void Buckets_are_stable_across_instances_and_in_range()
    {
        var hasher = new FeatureHasher(bucketBits: 10, seed: 42);
        var twin = new FeatureHasher(bucketBits: 10, seed: 42);

        for (long id = -1000; id < 1000; id++)
        {
            int bucket = hasher.Bucket(id);
            Assert.InRange(bucket, 0, 1023);
            Assert.Equal(bucket, twin.Bucket(id));
        }

        Assert.Equal(hasher.Bucket("user=alice"), twin.Bucket("user=alice"));
        Assert.InRange(hasher.Bucket("user=alice"), 0, 1023);
    }

    [Fact]
    public void Hash_values_are_fixed_so_that_models_survive_process_restarts()
    {
        // Pinned outputs of this implementation: a change here silently re-maps every trained hashed model.
        var hasher = new FeatureHasher(bucketBits: 20, seed: 0);

        Assert.Equal(PinnedIdHash, hasher.Hash(12345L));
        Assert.Equal(PinnedStringHash, hasher.Hash("country=fr"));
        Assert.NotEqual(hasher.Hash("country=fr"), hasher.Hash("country=fR"));
        Assert.NotEqual(hasher.Hash(""), hasher.Hash("\0"));
    }

    private const ulong PinnedIdHash = 2820305364348281768UL;
    private const ulong PinnedStringHash = 14973390662307071097UL;

    [Fact]
    public void Seeds_change_the_assignment()
    {
        var a = new FeatureHasher(16, seed: 1);
        var b = new FeatureHasher(16, seed: 2);

        int same = Enumerable.Range(0, 1000).Count(id => a.Bucket(id) == b.Bucket(id));

        Assert.InRange(same, 0, 5);
    }

    [Fact]
    public void Consecutive_ids_spread_uniformly_over_buckets()
    {
        var hasher = new FeatureHasher(bucketBits: 6);
        int[] counts = new int[64];
        const int Samples = 64_000;
        for (long id = 0; id < Samples; id++)
        {
            counts[hasher.Bucket(id)]++;
        }

        // Chi-square with 63 degrees of freedom: the 99.9th percentile is about 103.
        double expected = Samples / 64.0;
        double chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chiSquare, 0, 103);

        int[] stringCounts = new int[64];
        for (int i = 0; i < Samples; i++)
        {
            stringCounts[hasher.Bucket($"word{i}")]++;
        }

        Assert.InRange(stringCounts.Sum(c => (c - expected) * (c - expected) / expected), 0, 103);
    }

    [Fact]
    public void Sign_hashing_gives_both_signs_in_balance_and_none_without_it()
    {
        var signed = new FeatureHasher(8, signHashing: true);
        var unsigned = new FeatureHasher(8);

        int negatives = Enumerable.Range(0, 10_000).Count(id => signed.Sign(id) < 0);

        Assert.InRange(negatives, 4_700, 5_300);
        Assert.All(Enumerable.Range(0, 100), id => Assert.Equal(1f, unsigned.Sign(id)));
    }

    [Fact]
    public void Transform_sums_collisions_within_a_row_and_keeps_labels()
    {
        var hasher = new FeatureHasher(bucketBits: 2, seed: 9);
        // Five ids into four buckets: at least two collide in row 0.
        long[] ids = [10, 20, 30, 40, 50, 7];
        var source = new SparseDataset<long>([0, 5, 6], ids, [1, 2, 3, 4, 5, 6], [1, 0], 100);

        SparseDataset<int> hashed = hasher.Transform(source);

        Assert.Equal(4, hashed.FeatureCount);
        Assert.Equal(new[] { 1f, 0f }, hashed.Labels.ToArray());
        var expected = new SortedDictionary<int, float>();
        for (int k = 0; k < 5; k++)
        {
            int bucket = hasher.Bucket(ids[k]);
            expected[bucket] = expected.GetValueOrDefault(bucket) + k + 1;
        }

        Assert.True(expected.Count < 5);
        Assert.Equal(expected.Keys.ToArray(), hashed.RowIndices(0).ToArray());
        Assert.Equal(expected.Values.ToArray(), hashed.RowValues(0).ToArray());
        Assert.Equal(new[] { hasher.Bucket(7) }, hashed.RowIndices(1).ToArray());
        Assert.Equal(21f, hashed.Values.ToArray().Sum(), 3);
    }

    [Fact]
    public void Transform_with_signs_multiplies_values_by_the_id_sign()
    {
        var hasher = new FeatureHasher(bucketBits: 20, signHashing: true);
        var source = new SparseDataset<int>([0, 1], [123], [2.5f], [1], 1000);

        SparseDataset<int> hashed = hasher.Transform(source);

        Assert.Equal(hasher.Bucket(123), hashed.Indices[0]);
        Assert.Equal(2.5f * hasher.Sign(123), hashed.Values[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public void Bucket_bits_outside_one_to_thirty_are_rejected(int bits)
    {
        Assert.Equal("bucketBits", Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureHasher(bits)).ParamName);
    }
}
