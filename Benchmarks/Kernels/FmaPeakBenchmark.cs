using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>Single-core FMA throughput with operands in registers only.</summary>
public sealed class FmaPeakBenchmark
{
    private const int Iterations = 20_000_000;

    private double _bestPeak;
    private double _bestChain;
    private float _sink;

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
        double peakSeconds = Measurement.BestSeconds(() => _sink += FmaChains.Twelve(Iterations));
        double chainSeconds = Measurement.BestSeconds(() => _sink += OneChain(Iterations));
        _bestPeak = Math.Max(_bestPeak, Iterations * FmaChains.FlopsPerIteration / peakSeconds);
        _bestChain = Math.Max(_bestChain, Iterations * FmaChains.FlopsPerIteration / 12 / chainSeconds);
    }

    public void Report()
    {
        Measurement.Report("FMA peak (12 chains)", _bestPeak / 1e9, "GFLOP/s", "one dependent chain", _bestChain / 1e9);
    }

    private static float OneChain(int iterations)
    {
        var multiplier = Vector256.Create(0.999999f);
        var addend = Vector256.Create(1e-7f);
        Vector256<float> a = addend;
        for (int i = 0; i < iterations; i++)
        {
            a = Fma.MultiplyAdd(a, multiplier, addend);
        }

        return Vector256.Sum(a);
    }
}
