using System.Diagnostics;
using System.Globalization;
using OrleansML.Grains.Shards;

namespace OrleansML.Benchmarks.Training;

/// <summary>
/// Two costs inside a BSP step, each next to its baseline (docs/training.md, "Where a BSP step's time goes"):
/// handing work to a thread-pool thread after a millisecond of compute, when the pool's threads have gone to sleep,
/// against the same hand-off while a pool thread is awake; and the shard barrier's row-weighted mean of two
/// 7850-float pushes (Fashion-MNIST softmax) against the plain scalar loop it replaced.
/// Last line: "step-costs wake_queue_us=.. wake_start_us=.. awake_start_us=.. barrier_us=.. scalar_barrier_us=..".
/// </summary>
internal static class StepCostsBenchmark
{
    private const int Handoffs = 2000;
    private const int BarrierLength = 7850;
    private const int BarrierSteps = 5000;

    public static int Run(TextWriter output)
    {
        (double coldQueue, double coldStart) = MeasureHandoff(busyMicroseconds: 1000);
        (double hotQueue, double hotStart) = MeasureHandoff(busyMicroseconds: 0);
        output.WriteLine(Row("queueing call after 1 ms of compute (us)", coldQueue, "pool thread awake", hotQueue));
        output.WriteLine(Row("queued work starts after (us)", coldStart, "pool thread awake", hotStart));

        double scalar = double.MaxValue;
        double vector = double.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            vector = Math.Min(vector, BarrierMicroseconds());
            scalar = Math.Min(scalar, ScalarBarrierMicroseconds());
        }

        output.WriteLine(Row("barrier, 2 pushes x 7850 floats (us)", vector, "scalar loop", scalar));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step-costs wake_queue_us={coldQueue:F1} wake_start_us={coldStart:F1} awake_start_us={hotStart:F1} barrier_us={vector:F2} scalar_barrier_us={scalar:F2}"));
        return 0;
    }

    /// <summary>Medians of: the time inside <c>UnsafeQueueUserWorkItem</c>, and until the item runs, after spinning
    /// <paramref name="busyMicroseconds"/> on this thread (a worker's compute) without touching the pool.</summary>
    private static (double Queue, double Start) MeasureHandoff(int busyMicroseconds)
    {
        var queue = new double[Handoffs];
        var start = new double[Handoffs];
        using var done = new ManualResetEventSlim();
        long started = 0;
        for (int i = 0; i < Handoffs; i++)
        {
            long until = Stopwatch.GetTimestamp() + (busyMicroseconds * Stopwatch.Frequency / 1_000_000);
            while (Stopwatch.GetTimestamp() < until)
            {
                // Compute stand-in: keep this core busy while the pool's threads go idle.
            }

            done.Reset();
            long before = Stopwatch.GetTimestamp();
            ThreadPool.UnsafeQueueUserWorkItem(
                _ =>
                {
                    Volatile.Write(ref started, Stopwatch.GetTimestamp());
                    done.Set();
                },
                null);
            long after = Stopwatch.GetTimestamp();
            done.Wait();
            // Raw ticks: a TimeSpan would round the awake case (well under a microsecond) to 100 ns steps.
            queue[i] = (after - before) * 1e6 / Stopwatch.Frequency;
            start[i] = (Volatile.Read(ref started) - before) * 1e6 / Stopwatch.Frequency;
        }

        Array.Sort(queue);
        Array.Sort(start);
        return (queue[Handoffs / 2], start[Handoffs / 2]);
    }

    private static double BarrierMicroseconds()
    {
        float[] push = Push();
        var barrier = new StepBarrier(BarrierLength);
        long begin = Stopwatch.GetTimestamp();
        for (int step = 0; step < BarrierSteps; step++)
        {
            barrier.Add(0, step, 512, [], dense: true, push);
            barrier.Add(1, step, 512, [], dense: true, push);
            barrier.TakeMean(out _);
        }

        return Stopwatch.GetElapsedTime(begin).TotalMicroseconds / BarrierSteps;
    }

    /// <summary>The barrier's arithmetic as plain loops: double sums, the mean, the clear.</summary>
    private static double ScalarBarrierMicroseconds()
    {
        float[] push = Push();
        double[] sums = new double[BarrierLength];
        float[] mean = new float[BarrierLength];
        long begin = Stopwatch.GetTimestamp();
        for (int step = 0; step < BarrierSteps; step++)
        {
            for (int worker = 0; worker < 2; worker++)
            {
                for (int i = 0; i < BarrierLength; i++)
                {
                    sums[i] += (double)push[i] * 512;
                }
            }

            for (int i = 0; i < BarrierLength; i++)
            {
                mean[i] = (float)(sums[i] * (1.0 / 1024));
            }

            Array.Clear(sums);
        }

        return Stopwatch.GetElapsedTime(begin).TotalMicroseconds / BarrierSteps;
    }

    private static float[] Push() => [.. Enumerable.Range(0, BarrierLength).Select(i => (i % 97) * 0.001f)];

    private static string Row(string name, double value, string baselineName, double baseline) => string.Create(CultureInfo.InvariantCulture,
        $"  {name,-42} {value,9:F2}   {baselineName}: {baseline,9:F2}   ratio {value / baseline:F2}");
}
