using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>Single-core memory read bandwidth: summing a float array far larger than every cache.</summary>
public static class MemoryBandwidthBenchmark
{
    /// <summary>256 MiB of floats: two orders of magnitude above the L3 slice, so every pass streams from RAM.</summary>
    public const int ElementCount = 64 * 1024 * 1024;

    /// <summary>Measures and prints; returns the hand-written kernel's bandwidth in bytes per second.</summary>
    public static double Run()
    {
        float[] values = new float[ElementCount];
        Array.Fill(values, 1f);
        double bytes = (double)ElementCount * sizeof(float);
        float sink = 0;
        double vectorSeconds = Measurement.BestSeconds(() => sink += SumWithEightAccumulators(values));
        double librarySeconds = Measurement.BestSeconds(() => sink += TensorPrimitives.Sum(values));
        if (sink < 0)
        {
            Console.WriteLine(sink);
        }

        Measurement.Report("memory read bandwidth", bytes / vectorSeconds / 1e9, "GB/s", "TensorPrimitives.Sum", bytes / librarySeconds / 1e9);
        return bytes / vectorSeconds;
    }

    private static float SumWithEightAccumulators(float[] values)
    {
        // Eight independent adds keep enough loads in flight for the prefetchers to run ahead.
        ref float start = ref MemoryMarshal.GetArrayDataReference(values);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        nuint end = (nuint)(values.Length & ~63);
        for (nuint i = 0; i < end; i += 64)
        {
            s0 += Vector256.LoadUnsafe(ref start, i);
            s1 += Vector256.LoadUnsafe(ref start, i + 8);
            s2 += Vector256.LoadUnsafe(ref start, i + 16);
            s3 += Vector256.LoadUnsafe(ref start, i + 24);
            s4 += Vector256.LoadUnsafe(ref start, i + 32);
            s5 += Vector256.LoadUnsafe(ref start, i + 40);
            s6 += Vector256.LoadUnsafe(ref start, i + 48);
            s7 += Vector256.LoadUnsafe(ref start, i + 56);
        }

        float sum = Vector256.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
        for (int i = (int)end; i < values.Length; i++)
        {
            sum += Unsafe.Add(ref start, i);
        }

        return sum;
    }
}
