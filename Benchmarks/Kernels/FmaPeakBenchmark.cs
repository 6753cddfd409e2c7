using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>Single-core FMA throughput with operands in registers only.</summary>
public sealed class FmaPeakBenchmark
{
    private const int Iterations = 20_000_000;
    private const int Chains = 12;

    private double _bestPeak;
    private double _bestChain;
    private float _sink;

    /// <summary>Creates the benchmark.</summary>
    /// <exception cref="PlatformNotSupportedException">The CPU has no FMA.</exception>
    public FmaPeakBenchmark()
    {
        if (!Fma.IsSupported)
        {
            throw new PlatformNotSupportedException("The FMA peak benchmark needs a CPU with FMA.");
        }
    }

    /// <summary>Best register-only peak so far, in FLOP per second.</summary>
    public double FlopsPerSecond => _bestPeak;

    /// <summary>Runs one round (warm-up, then best of N) for the twelve-chain kernel and the one-chain baseline.</summary>
    public void MeasureRound()
    {
        var multiplier = Vector256.Create(0.999999f);
        var addend = Vector256.Create(1e-7f);
        double peakSeconds = Measurement.BestSeconds(() => _sink += TwelveChains(multiplier, addend, Iterations));
        double chainSeconds = Measurement.BestSeconds(() => _sink += OneChain(multiplier, addend, Iterations));

        // Each FMA is 8 lanes x (multiply + add).
        _bestPeak = Math.Max(_bestPeak, (double)Iterations * Chains * 16 / peakSeconds);
        _bestChain = Math.Max(_bestChain, (double)Iterations * 16 / chainSeconds);
    }

    /// <summary>Prints the best figures.</summary>
    public void Report()
    {
        Measurement.Report("FMA peak (12 chains)", _bestPeak / 1e9, "GFLOP/s", "one dependent chain", _bestChain / 1e9);
        if (_sink < 0)
        {
            Console.WriteLine(_sink);
        }
    }

    private static float TwelveChains(Vector256<float> multiplier, Vector256<float> addend, int iterations)
    {
        // Zen's FMA latency is 4-5 cycles at 2 per cycle: at least 10 chains in flight cover it; 12 of 16
        // registers leave room for the two operands.
        Vector256<float> a0 = addend, a1 = addend * 2, a2 = addend * 3, a3 = addend * 4, a4 = addend * 5, a5 = addend * 6;
        Vector256<float> a6 = addend * 7, a7 = addend * 8, a8 = addend * 9, a9 = addend * 10, a10 = addend * 11, a11 = addend * 12;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, multiplier, addend);
            a1 = Fma.MultiplyAdd(a1, multiplier, addend);
            a2 = Fma.MultiplyAdd(a2, multiplier, addend);
            a3 = Fma.MultiplyAdd(a3, multiplier, addend);
            a4 = Fma.MultiplyAdd(a4, multiplier, addend);
            a5 = Fma.MultiplyAdd(a5, multiplier, addend);
            a6 = Fma.MultiplyAdd(a6, multiplier, addend);
            a7 = Fma.MultiplyAdd(a7, multiplier, addend);
            a8 = Fma.MultiplyAdd(a8, multiplier, addend);
            a9 = Fma.MultiplyAdd(a9, multiplier, addend);
            a10 = Fma.MultiplyAdd(a10, multiplier, addend);
            a11 = Fma.MultiplyAdd(a11, multiplier, addend);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    private static float OneChain(Vector256<float> multiplier, Vector256<float> addend, int iterations)
    {
        Vector256<float> a = addend;
        for (int i = 0; i < iterations; i++)
        {
            a = Fma.MultiplyAdd(a, multiplier, addend);
        }

        return Vector256.Sum(a);
    }
}
