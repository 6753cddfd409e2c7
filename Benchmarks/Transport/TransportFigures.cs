using System.Diagnostics;
using System.Globalization;

namespace OrleansML.Benchmarks.Transport;

/// <summary>What the raw TCP baseline measured in one round.</summary>
internal sealed record RawFigures(double RttP50Us, double RttP99Us, double BulkGBps);

/// <summary>What grain calls between the two silos measured in one round.</summary>
internal sealed record GrainFigures(double RttP50Us, double RttP99Us, double PushGBps, double PullGBps);

/// <summary>How much each measurement does. The defaults take about a minute on 2 cores.</summary>
internal sealed record TransportBenchmarkSettings
{
    /// <summary>Round trips timed per round (one call in flight).</summary>
    public int RoundTrips { get; init; } = 20_000;

    /// <summary>Bytes in a small raw request's body (a grain ping's body is about as small).</summary>
    public int SmallBodyBytes { get; init; } = 32;

    /// <summary>Bytes in a bulk message: a 4 MiB tensor (1 Mi float32 values).</summary>
    public int BulkBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Bulk messages per round: raw one-way frames, tensor pushes and tensor pulls.</summary>
    public int BulkMessages { get; init; } = 96;

    /// <summary>Tensor calls kept in flight (raw frames stream without waiting).</summary>
    public int InFlight { get; init; } = 2;

    /// <summary>Rounds; raw and grain measurements alternate, and each figure is summarised over rounds.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Warm-up before timing (tiered JIT needs about half a second).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads <c>--quick</c>, <c>--rounds N</c>, <c>--in-flight N</c>.</summary>
    public static TransportBenchmarkSettings Parse(string[] options)
    {
        var settings = new TransportBenchmarkSettings();
        for (int i = 0; i < options.Length; i++)
        {
            settings = options[i] switch
            {
                "--quick" => settings with { RoundTrips = 2_000, BulkMessages = 16, Rounds = 2, WarmUp = TimeSpan.FromMilliseconds(300) },
                "--rounds" => settings with { Rounds = PositiveValue(options, ++i) },
                "--in-flight" => settings with { InFlight = PositiveValue(options, ++i) },
                _ => throw new ArgumentException($"Unknown option {options[i]} (transport takes --quick, --rounds N, --in-flight N)."),
            };
        }

        return settings;
    }

    private static int PositiveValue(string[] options, int index) =>
        index < options.Length && int.TryParse(options[index], NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"{options[index - 1]} needs a positive whole number.");
}

/// <summary>Frame kinds of the raw baseline: the first header byte.</summary>
internal static class BenchmarkFrameKind
{
    /// <summary>Echo the frame back.</summary>
    public const byte Echo = 1;

    /// <summary>Consume without replying (bulk).</summary>
    public const byte Sink = 2;

    /// <summary>Reply once everything before it was consumed (ends a bulk run).</summary>
    public const byte Sync = 3;

    /// <summary>Header bytes of every benchmark frame: kind, three spare bytes, a 32-bit sequence number.</summary>
    public const int HeaderBytes = 8;
}

/// <summary>Latency samples to percentiles.</summary>
internal static class Percentiles
{
    public static (double P50Us, double P99Us) Of(long[] ticks)
    {
        Array.Sort(ticks);
        double toUs = 1_000_000.0 / Stopwatch.Frequency;
        return (ticks[(int)(ticks.Length * 0.50)] * toUs, ticks[Math.Min(ticks.Length - 1, (int)(ticks.Length * 0.99))] * toUs);
    }
}
