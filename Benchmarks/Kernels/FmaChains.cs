using System.Runtime.Intrinsics;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>
/// Twelve independent chains of 256-bit FMAs with operands in registers: the single-core FMA peak, measured in wall
/// time by <see cref="FmaPeakBenchmark"/> and in thread CPU time by <see cref="MlpStepBenchmark"/>.
/// </summary>
internal static class FmaChains
{
    /// <summary>FLOPs per iteration: twelve FMAs of 8 lanes, each a multiply and an add.</summary>
    public const double FlopsPerIteration = 12 * 8 * 2;

    /// <summary>Runs <paramref name="iterations"/> iterations and returns a value that depends on all of them.</summary>
    public static float Twelve(int iterations)
    {
        var multiplier = Vector256.Create(0.999999f);
        var addend = Vector256.Create(1e-7f);

        // Zen's FMA latency is 4-5 cycles at 2 per cycle: at least 10 chains in flight cover it; 12 of 16
        // registers leave room for the two operands.
        Vector256<float> a0 = addend, a1 = addend * 2, a2 = addend * 3, a3 = addend * 4, a4 = addend * 5, a5 = addend * 6;
        Vector256<float> a6 = addend * 7, a7 = addend * 8, a8 = addend * 9, a9 = addend * 10, a10 = addend * 11, a11 = addend * 12;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, multiplier, addend);
            a1 = Vector256.FusedMultiplyAdd(a1, multiplier, addend);
            a2 = Vector256.FusedMultiplyAdd(a2, multiplier, addend);
            a3 = Vector256.FusedMultiplyAdd(a3, multiplier, addend);
            a4 = Vector256.FusedMultiplyAdd(a4, multiplier, addend);
            a5 = Vector256.FusedMultiplyAdd(a5, multiplier, addend);
            a6 = Vector256.FusedMultiplyAdd(a6, multiplier, addend);
            a7 = Vector256.FusedMultiplyAdd(a7, multiplier, addend);
            a8 = Vector256.FusedMultiplyAdd(a8, multiplier, addend);
            a9 = Vector256.FusedMultiplyAdd(a9, multiplier, addend);
            a10 = Vector256.FusedMultiplyAdd(a10, multiplier, addend);
            a11 = Vector256.FusedMultiplyAdd(a11, multiplier, addend);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }
}
