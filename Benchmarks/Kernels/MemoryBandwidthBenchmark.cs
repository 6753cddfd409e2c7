using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>Single-core memory read bandwidth: summing a float array far larger than every cache.</summary>
public sealed class MemoryBandwidthBenchmark
{
    /// <summary>256 MiB of floats: far above the L3, so every pass streams from RAM.</summary>
    public const int ElementCount = 64 * 1024 * 1024;

    private readonly float[] _values = new float[ElementCount];
    private double _bestVector;
    private double _bestLibrary;
    private float _sink;

    /// <summary>Allocates and touches the array, so page faults stay out of the timings.</summary>
    public MemoryBandwidthBenchmark() => Array.Fill(_values, 1f);

    /// <summary>Best bandwidth of the hand-written kernel so far, in bytes per second.</summary>
    public double BytesPerSecond => _bestVector;

    /// <summary>Runs one round (warm-up, then best of N passes) for the kernel and its baseline.</summary>
    public void MeasureRound()
    {
        double bytes = (double)ElementCount * sizeof(float);
        double vectorSeconds = Measurement.BestSeconds(() => _sink += SumWithEightAccumulators(_values));
        double librarySeconds = Measurement.BestSeconds(() => _sink += TensorPrimitives.Sum(_values));
        _bestVector = Math.Max(_bestVector, bytes / vectorSeconds);
        _bestLibrary = Math.Max(_bestLibrary, bytes / librarySeconds);
    }

    public void Report()
    {
        Measurement.Report("memory read bandwidth", _bestVector / 1e9, "GB/s", "TensorPrimitives.Sum", _bestLibrary / 1e9);
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
