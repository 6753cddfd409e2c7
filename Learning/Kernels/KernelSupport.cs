namespace OrleansML.Learning.Kernels;

/// <summary>
/// The one place that decides which vector width the kernels use on the running machine.
/// </summary>
/// <remarks>
/// The build and production machines change CPU model from one day to the next (AVX2 only on some, AVX-512 on
/// others), so the choice is made at run time from what the JIT reports as accelerated, never at build time.
/// Kernels read <see cref="Level"/> once per call (per row block or batch), not per element: reading it costs an
/// <see cref="AsyncLocal{T}"/> lookup, which is noise at that granularity.
/// <para>
/// Tests pin a narrower level with <see cref="Force"/> to compare every path with the scalar reference. The pin
/// is an <see cref="AsyncLocal{T}"/>, so tests running in parallel do not see each other's choice. A test may also
/// force <see cref="SimdLevel.Avx512"/> on a machine without it: kernels written with the portable
/// <see cref="Vector512{T}"/> API then run in the runtime's software fallback, slowly but with the same results,
/// which keeps that path tested on AVX2-only machines.
/// </para>
/// </remarks>
internal static class KernelSupport
{
    private static readonly AsyncLocal<SimdLevel?> Forced = new();

    /// <summary>The widest level this machine accelerates.</summary>
    public static SimdLevel Detected { get; } = Detect();

    /// <summary>The level kernels use now: <see cref="Detected"/> unless a test pinned another.</summary>
    public static SimdLevel Level => Forced.Value ?? Detected;

    /// <summary>The level's name as the benchmarks print it: <c>avx512</c>, <c>avx2</c> or <c>scalar</c>.</summary>
    public static string Name(SimdLevel level) => level switch
    {
        SimdLevel.Avx512 => "avx512",
        SimdLevel.Avx2 => "avx2",
        _ => "scalar",
    };

    /// <summary>
    /// Pins <paramref name="level"/> for the calling flow (and the tasks it starts) until the result is disposed.
    /// For tests and benchmarks that compare paths.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="level"/> is <see cref="SimdLevel.Avx2"/> on a machine without AVX2: those kernels call
    /// AVX2 intrinsics directly, which would throw on it.
    /// </exception>
    public static IDisposable Force(SimdLevel level)
    {
        if (level == SimdLevel.Avx2 && !Avx2Available)
        {
            throw new ArgumentException("SimdLevel.Avx2 cannot be forced: this CPU has no AVX2.", nameof(level));
        }

        SimdLevel? previous = Forced.Value;
        Forced.Value = level;
        return new Restore(previous);
    }

    /// <summary>Whether the AVX2 paths (gathers, 256-bit FMA) can run on this machine.</summary>
    internal static bool Avx2Available => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated;

    private static SimdLevel Detect()
    {
        if (Vector512.IsHardwareAccelerated && Avx2Available)
        {
            return SimdLevel.Avx512;
        }

        return Avx2Available ? SimdLevel.Avx2 : SimdLevel.Scalar;
    }

    private sealed class Restore(SimdLevel? previous) : IDisposable
    {
        public void Dispose() => Forced.Value = previous;
    }
}
