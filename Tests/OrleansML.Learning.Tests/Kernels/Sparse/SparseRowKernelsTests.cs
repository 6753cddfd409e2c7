namespace OrleansML.Learning.Tests.Kernels.Sparse;

public class SparseRowKernelsTests
{
    private static readonly int[] RowLengths = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 40, 67];

    private static (int[] Ids, float[] Values) RandomRow(Random random, int length, int featureCount)
    {
        int[] ids = new int[length];
        float[] values = new float[length];
        for (int j = 0; j < length; j++)
        {
            // Repeated ids are allowed in CSR rows and must accumulate.
            ids[j] = random.Next(featureCount);
            values[j] = (float)((random.NextDouble() * 4) - 2);
        }

        return (ids, values);
    }

    private static float[] RandomVector(Random random, int length)
    {
        float[] vector = new float[length];
        for (int i = 0; i < length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    private static double ReferenceDot(int[] ids, float[] values, float[] weights, int offset, int stride)
    {
        double sum = 0;
        for (int j = 0; j < ids.Length; j++)
        {
            sum += (double)values[j] * weights[offset + (ids[j] * stride)];
        }

        return sum;
    }

    [Fact]
    public void Every_dot_variant_matches_the_scalar_reference_on_random_rows()
    {
        var random = new Random(11);
        const int FeatureCount = 300;
        float[] weights = RandomVector(random, FeatureCount);
        foreach (int length in RowLengths)
        {
            var (ids, values) = RandomRow(random, length, FeatureCount);
            double expected = ReferenceDot(ids, values, weights, 0, 1);
            Assert.Equal(expected, SparseRowKernels.DotScalar(ids, values, weights), 1e-4);
            Assert.Equal(expected, SparseRowKernels.DotGather(ids, values, weights), 1e-4);
            Assert.Equal(expected, SparseRowKernels.Dot(ids, values, weights), 1e-4);
        }
    }

    [Fact]
    public void Strided_dot_variants_address_offset_plus_id_times_stride()
    {
        var random = new Random(12);
        const int FeatureCount = 100;
        const int Stride = 5;
        const int Offset = 3;
        float[] weights = RandomVector(random, Offset + (FeatureCount * Stride));
        foreach (int length in RowLengths)
        {
            var (ids, values) = RandomRow(random, length, FeatureCount);
            double expected = ReferenceDot(ids, values, weights, Offset, Stride);
            Assert.Equal(expected, SparseRowKernels.DotStridedScalar(ids, values, weights, Offset, Stride), 1e-4);
            Assert.Equal(expected, SparseRowKernels.DotStridedGather(ids, values, weights, Offset, Stride), 1e-4);
            Assert.Equal(expected, SparseRowKernels.DotStrided(ids, values, weights, Offset, Stride), 1e-4);
        }
    }

    [Fact]
    public void Dot_of_an_empty_row_is_zero()
    {
        float[] weights = [1f, 2f];
        Assert.Equal(0f, SparseRowKernels.DotScalar([], [], weights));
        Assert.Equal(0f, SparseRowKernels.DotGather([], [], weights));
        Assert.Equal(0f, SparseRowKernels.DotStridedGather([], [], weights, 1, 1));
    }

    /// <summary>The scalar loops fail through span bounds checks, the vector loop through its own compare.</summary>
    private static void AssertOutOfRange(Action action)
    {
        Exception error = Assert.ThrowsAny<Exception>(action);
        Assert.True(error is IndexOutOfRangeException or ArgumentOutOfRangeException, $"unexpected {error.GetType().Name}");
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(8, 7)]
    [InlineData(20, 3)]
    [InlineData(20, 19)]
    public void An_id_beyond_the_weights_throws_instead_of_reading_other_memory(int length, int badPosition)
    {
        int[] ids = new int[length];
        float[] values = new float[length];
        ids[badPosition] = 10;
        float[] weights = new float[10];
        AssertOutOfRange(() => SparseRowKernels.DotGather(ids, values, weights));
        AssertOutOfRange(() => SparseRowKernels.DotScalar(ids, values, weights));
        AssertOutOfRange(() => SparseRowKernels.DotStridedGather(ids, values, new float[21], 1, 2));
        AssertOutOfRange(() => SparseRowKernels.DotStridedScalar(ids, values, new float[21], 1, 2));
        Assert.Equal(0f, SparseRowKernels.DotStridedGather(ids, values, new float[22], 1, 2));
        ids[badPosition] = -1;
        AssertOutOfRange(() => SparseRowKernels.DotGather(ids, values, new float[100]));
        AssertOutOfRange(() => SparseRowKernels.DotScalar(ids, values, new float[100]));
    }

    [Fact]
    public void Scatter_add_accumulates_repeated_ids_at_their_strided_positions()
    {
        int[] ids = [2, 0, 2, 1];
        float[] values = [1f, 2f, 3f, 4f];
        float[] weights = new float[1 + (3 * 2)];
        SparseRowKernels.ScatterAdd(ids, values, 0.5f, weights, offset: 1, stride: 2);
        Assert.Equal([0f, 1f, 0f, 2f, 0f, 2f, 0f], weights);
    }

    [Fact]
    public void Scatter_add_matches_the_reference_on_random_rows()
    {
        var random = new Random(13);
        foreach (int length in RowLengths)
        {
            var (ids, values) = RandomRow(random, length, 50);
            float[] weights = RandomVector(random, 50);
            double[] expected = weights.Select(w => (double)w).ToArray();
            for (int j = 0; j < length; j++)
            {
                expected[ids[j]] += -1.5 * values[j];
            }

            SparseRowKernels.ScatterAdd(ids, values, -1.5f, weights);
            for (int i = 0; i < weights.Length; i++)
            {
                Assert.Equal(expected[i], weights[i], 1e-5);
            }
        }
    }

    [Fact]
    public void Collect_keys_adds_each_key_once_with_zero_values()
    {
        var keys = new SparseGradient(10);
        SparseRowKernels.CollectKeys([4, 2, 4], keys);
        keys.SortByKey();
        Assert.Equal([2, 4], keys.Keys.ToArray());
        Assert.All(keys.Values.ToArray(), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Collect_keys_rejects_a_key_outside_the_gradient()
    {
        var gradient = new SparseGradient(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseRowKernels.CollectKeys([4], gradient));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseRowKernels.CollectKeys([1], gradient, offset: 2, stride: 2));
    }
}
