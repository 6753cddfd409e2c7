using System.Globalization;
using OrleansML.Learning.Kernels;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>
/// The <c>kernels</c> command: measures the machine's single-core limits and the fused softmax gradient,
/// and reports how close the kernel runs to the roofline bound min(bandwidth, FMA peak) per row.
/// </summary>
/// <remarks>
/// The three measurements run in interleaved rounds and each keeps its best, so a burst of load from
/// other processes cannot depress the bound in one round and the kernel in another.
/// </remarks>
public static class KernelsBenchmark
{
    public static int Run(string[] options)
    {
        (int blockRows, int rounds) = BenchmarkOptions.Parse("kernels", options, (BlockRows: FusedSoftmaxGradientKernel.DefaultBlockRows, Rounds: 3), new Dictionary<string, Func<(int BlockRows, int Rounds), OptionValue, (int BlockRows, int Rounds)>>
        {
            ["--block-rows"] = (s, o) => s with { BlockRows = o.Int(1, 4096) },
            ["--rounds"] = (s, o) => s with { Rounds = o.Int(1, 100) },
        });

        var bandwidth = new MemoryBandwidthBenchmark();
        var fma = new FmaPeakBenchmark();
        var softmax = new SoftmaxGradientBenchmark(blockRows);
        for (int round = 0; round < rounds; round++)
        {
            bandwidth.MeasureRound();
            fma.MeasureRound();
            softmax.MeasureRound();
        }

        bandwidth.Report();
        fma.Report();
        softmax.Report();
        double memoryBound = bandwidth.BytesPerSecond / softmax.BytesPerRow;
        double computeBound = fma.FlopsPerSecond / softmax.FlopsPerRow;
        double bound = Math.Min(memoryBound, computeBound);
        double rowsPerSecond = softmax.RowsPerSecond;
        SparseGradientResult sparse = SparseGradientBenchmark.Run(Console.Out);
        MlpStepBenchmark.Run(rounds);
        Console.WriteLine($"bound per row: memory {memoryBound / 1e6:N2} M rows/s ({softmax.BytesPerRow} B/row), "
            + $"compute {computeBound / 1e6:N2} M rows/s ({softmax.FlopsPerRow} FLOP/row); best of {rounds} interleaved rounds");
        Measurement.Report("fused softmax vs roofline", rowsPerSecond / 1e6, "M rows/s", "bound", bound / 1e6);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sparse gradient (hashed logistic regression): {sparse.LogisticSparseGradient:F0} nonzeros/s, CSR streaming bound {sparse.CsrStreaming:F0} nonzeros/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kernels softmax_grad_rows_per_s={rowsPerSecond:F0} bound_rows_per_s={bound:F0} efficiency={rowsPerSecond / bound:F3} "
            + $"hashed_grad_over_stream={sparse.GradientToStreamingRatio:F3} fm_grad_over_stream={sparse.FactorizationMachineToStreamingRatio:F3} simd={KernelSupport.Name(KernelSupport.Level)}"));
        return 0;
    }
}
