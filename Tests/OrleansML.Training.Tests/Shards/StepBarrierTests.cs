using OrleansML.Grains.Shards;

namespace OrleansML.Training.Tests.Shards;

public sealed class StepBarrierTests
{
    [Theory]
    [InlineData(7)] // scalar tail only
    [InlineData(3925)] // half of Fashion-MNIST softmax: vectors and a tail
    [InlineData(4096)] // vectors only
    public void The_dense_mean_is_bit_identical_to_the_scalar_row_weighted_mean(int length)
    {
        var random = new Random(length);
        float[][] pushes = [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2e3) - 1e3) / 7f).ToArray())];
        int[] rows = [512, 511, 1];
        var barrier = new StepBarrier(length);
        for (int worker = 0; worker < pushes.Length; worker++)
        {
            barrier.Add(worker, 9, rows[worker], [], dense: true, pushes[worker]);
        }

        float[] mean = barrier.TakeMean(out int[]? keys);
        Assert.Null(keys);
        double scale = 1.0 / rows.Sum();
        for (int i = 0; i < length; i++)
        {
            double sum = 0;
            for (int worker = 0; worker < pushes.Length; worker++)
            {
                sum += (double)pushes[worker][i] * rows[worker];
            }

            Assert.Equal((float)(sum * scale), mean[i]);
        }

        // The barrier is clear for the next step: one push now yields that push (to float rounding of x*r/r).
        barrier.Add(0, 10, 4, [], dense: true, pushes[0]);
        float[] next = barrier.TakeMean(out _);
        Assert.Equal(pushes[0].Select(v => (float)((double)v * 4 * 0.25)), next);
    }

    [Fact]
    public void A_sparse_shard_holds_no_slice_sized_buffer_and_means_exactly_as_dense_sums_would()
    {
        const int length = 1 << 22; // a slice whose dense sums would be 32 MiB
        var random = new Random(3);
        var reference = new ReferenceBarrier(length);
        var pushes = new (int[] Keys, float[] Values, int Rows)[4, 3];
        var expected = new (int[] Keys, float[] Mean)[4];
        for (int step = 0; step < 4; step++)
        {
            for (int worker = 0; worker < 3; worker++)
            {
                (int[] keys, float[] values) = SparsePush(random, length, count: 2000);
                pushes[step, worker] = (keys, values, 100 + worker);
                reference.Add(keys, values, 100 + worker);
            }

            expected[step] = reference.TakeSparseMean();
        }

        var means = new (int[]? Keys, float[] Mean)[4];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var barrier = new StepBarrier(length);
        for (int step = 0; step < 4; step++)
        {
            for (int worker = 0; worker < 3; worker++)
            {
                (int[] keys, float[] values, int rows) = pushes[step, worker];
                barrier.Add(worker, step, rows, keys, dense: false, values);
            }

            float[] mean = barrier.TakeMean(out int[]? meanKeys);
            means[step] = (meanKeys, mean);
        }

        // Four steps of three 2,000-key pushes: a small fraction of one slice-sized double buffer.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < length * sizeof(double) / 16, $"the barrier allocated {allocated:N0} bytes for sparse pushes");
        Assert.Equal(0, barrier.DenseBufferBytes);
        for (int step = 0; step < 4; step++)
        {
            Assert.Equal(expected[step].Keys, means[step].Keys);
            Assert.Equal(expected[step].Mean, means[step].Mean);
        }
    }

    [Fact]
    public void A_step_mixing_sparse_and_dense_pushes_means_as_one_dense_buffer_would_and_a_sparse_step_releases_it()
    {
        const int length = 1000;
        var random = new Random(8);
        var barrier = new StepBarrier(length);
        var reference = new ReferenceBarrier(length);
        (int[] keys, float[] values) = SparsePush(random, length, count: 300);
        float[] dense = [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5) / 3f)];
        (int[] laterKeys, float[] laterValues) = SparsePush(random, length, count: 200);
        barrier.Add(0, 5, 7, keys, dense: false, values);
        barrier.Add(1, 5, 9, [], dense: true, dense);
        barrier.Add(2, 5, 3, laterKeys, dense: false, laterValues);
        reference.Add(keys, values, 7);
        reference.Add([.. Enumerable.Range(0, length)], dense, 9);
        reference.Add(laterKeys, laterValues, 3);
        Assert.Equal(length * (sizeof(double) + sizeof(float)), barrier.DenseBufferBytes);

        float[] mean = barrier.TakeMean(out int[]? meanKeys);
        Assert.Null(meanKeys);
        Assert.Equal(reference.TakeDenseMean(), mean);

        barrier.Add(0, 6, 2, keys, dense: false, values);
        reference.Add(keys, values, 2);
        float[] sparse = barrier.TakeMean(out int[]? sparseKeys);
        (int[] expectedKeys, float[] expected) = reference.TakeSparseMean();
        Assert.Equal(expectedKeys, sparseKeys);
        Assert.Equal(expected, sparse);
        Assert.Equal(0, barrier.DenseBufferBytes);
    }

    [Fact]
    public void Clearing_a_sparse_step_forgets_its_keys()
    {
        var barrier = new StepBarrier(100);
        barrier.Add(0, 1, 10, [3, 50], dense: false, [1f, 2f]);
        barrier.Clear();
        barrier.Add(1, 1, 5, [50, 60], dense: false, [4f, 8f]);

        float[] mean = barrier.TakeMean(out int[]? keys);

        Assert.Equal(new[] { 50, 60 }, keys);
        Assert.Equal(new[] { 4f, 8f }, mean);
    }

    private static (int[] Keys, float[] Values) SparsePush(Random random, int length, int count)
    {
        int[] keys = [.. Enumerable.Range(0, count).Select(_ => random.Next(length)).Distinct().Order()];
        float[] values = [.. keys.Select(_ => (float)((random.NextDouble() * 20) - 10) / 3f)];
        return (keys, values);
    }

    /// <summary>The barrier's arithmetic as a plain dense double buffer does it: sums from zero in push order.</summary>
    private sealed class ReferenceBarrier(int length)
    {
        private readonly double[] _sums = new double[length];
        private readonly SortedSet<int> _touched = [];
        private long _rows;

        public void Add(int[] keys, float[] values, int rows)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                _sums[keys[i]] += (double)values[i] * rows;
                _touched.Add(keys[i]);
            }

            _rows += rows;
        }

        public (int[] Keys, float[] Mean) TakeSparseMean()
        {
            double scale = 1.0 / _rows;
            int[] keys = [.. _touched];
            float[] mean = [.. keys.Select(k => (float)(_sums[k] * scale))];
            Reset();
            return (keys, mean);
        }

        public float[] TakeDenseMean()
        {
            double scale = 1.0 / _rows;
            float[] mean = [.. _sums.Select(s => (float)(s * scale))];
            Reset();
            return mean;
        }

        private void Reset()
        {
            Array.Clear(_sums);
            _touched.Clear();
            _rows = 0;
        }
    }
}
