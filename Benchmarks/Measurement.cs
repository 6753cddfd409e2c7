using System.Diagnostics;

namespace OrleansML.Benchmarks;

/// <summary>Warm-up then best-of-N wall-clock timing, the discipline every benchmark here follows.</summary>
public static class Measurement
{
    /// <summary>Seconds of repeated runs before timing, so tiered JIT has produced optimised code.</summary>
    public const double DefaultWarmupSeconds = 0.5;

    /// <summary>Timed runs; the best is reported because noise on a shared machine only ever adds time.</summary>
    public const int DefaultRepetitions = 5;

    /// <summary>Runs <paramref name="action"/> for at least the warm-up time, then returns the fastest of the timed
    /// runs in seconds of <paramref name="clock"/> (default wall time).</summary>
    public static double BestSeconds(Action action, double warmupSeconds = DefaultWarmupSeconds, int repetitions = DefaultRepetitions, Func<double>? clock = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repetitions);
        clock ??= () => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        var warmup = Stopwatch.StartNew();
        do
        {
            action();
        }
        while (warmup.Elapsed.TotalSeconds < warmupSeconds);

        double best = double.MaxValue;
        for (int repetition = 0; repetition < repetitions; repetition++)
        {
            double start = clock();
            action();
            best = Math.Min(best, clock() - start);
        }

        return best;
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The machine's load averages (1, 5, 15 min) as Linux reports them, or "unknown": printed with a
    /// benchmark's figures, since other processes on a shared machine move them.</summary>
    public static string LoadAverage()
    {
        try
        {
            string[] fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]} {fields[1]} {fields[2]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return "unknown";
        }
    }

    /// <summary>Prints one figure with its baseline and the ratio between them.</summary>
    public static void Report(string name, double value, string unit, string baselineName, double baseline)
    {
        Console.WriteLine($"{name,-34} {value,14:N2} {unit,-8} baseline {baselineName}: {baseline:N2}  ratio {value / baseline:F2}");
    }
}
