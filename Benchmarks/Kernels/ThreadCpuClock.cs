using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>
/// The calling thread's CPU time (user + system) on Linux, from getrusage(RUSAGE_THREAD). On a machine shared by
/// several busy processes, wall-clock time counts the time the thread waited for a core; CPU time does not, so
/// a kernel's FLOP rate and the FMA peak measured this way compare like with like whatever the load.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int RusageThread = 1;

    /// <summary>True where thread CPU time can be read; elsewhere <see cref="BestSeconds"/> falls back to wall time.</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>Warms up for <paramref name="warmupSeconds"/>, then returns the least thread CPU time (or wall time) of
    /// <paramref name="repetitions"/> runs.</summary>
    public static double BestSeconds(Action action, int repetitions, double warmupSeconds = 0.3) => Measurement.BestSeconds(action, warmupSeconds, repetitions, Now);

    private static double Now() => IsAvailable ? ThreadSeconds() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    private static bool Probe()
    {
        try
        {
            return ThreadSeconds() >= 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static unsafe double ThreadSeconds()
    {
        // struct rusage begins with two struct timevals (user, system), each { long seconds; long microseconds; }.
        long* usage = stackalloc long[18];
        if (GetResourceUsage(RusageThread, usage) != 0)
        {
            throw new InvalidOperationException($"getrusage(RUSAGE_THREAD) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        return usage[0] + (usage[1] * 1e-6) + usage[2] + (usage[3] * 1e-6);
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static unsafe partial int GetResourceUsage(int who, long* usage);
}
