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
}
