using System.Globalization;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>
/// The <c>kernels</c> command: measures the machine's single-core limits and the fused softmax gradient,
/// and reports how close the kernel runs to the roofline bound min(bandwidth, FMA peak) per row.
/// </summary>
public static class KernelsBenchmark
{
    /// <summary>Runs the benchmark with the given options; returns the process exit code.</summary>
    public static int Run(string[] options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int blockRows = Learning.Kernels.FusedSoftmaxGradientKernel.DefaultBlockRows;
        for (int i = 0; i < options.Length; i++)
        {
            if (options[i] == "--block-rows" && i + 1 < options.Length
                && int.TryParse(options[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out blockRows) && blockRows is > 0 and <= 4096)
            {
                i++;
                continue;
            }

            throw new ArgumentException($"kernels: unknown or invalid option '{options[i]}' (expected --block-rows N with N in 1..4096).");
        }

        double bandwidth = MemoryBandwidthBenchmark.Run();
        double fmaPeak = FmaPeakBenchmark.Run();
        var (rowsPerSecond, columns) = SoftmaxGradientBenchmark.Run(blockRows);
        double memoryBound = bandwidth / SoftmaxGradientBenchmark.BytesPerRow(columns);
        double computeBound = fmaPeak / SoftmaxGradientBenchmark.FlopsPerRow(columns);
        double bound = Math.Min(memoryBound, computeBound);
        Console.WriteLine($"bound per row: memory {memoryBound / 1e6:N2} M rows/s ({SoftmaxGradientBenchmark.BytesPerRow(columns)} B/row), "
            + $"compute {computeBound / 1e6:N2} M rows/s ({SoftmaxGradientBenchmark.FlopsPerRow(columns)} FLOP/row)");
        Measurement.Report("fused softmax vs roofline", rowsPerSecond / 1e6, "M rows/s", "bound", bound / 1e6);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kernels softmax_grad_rows_per_s={rowsPerSecond:F0} bound_rows_per_s={bound:F0} efficiency={rowsPerSecond / bound:F3}"));
        return 0;
    }
}
