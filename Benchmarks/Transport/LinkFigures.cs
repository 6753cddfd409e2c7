using System.Diagnostics;
using System.Globalization;

namespace OrleansML.Benchmarks.Transport;

/// <summary>What one link (raw TCP or the transport) measured in one round.</summary>
internal sealed record LinkFigures(double RttP50Us, double RttP99Us, double FramesPerSecond, double BulkGBps)
{
    /// <summary>Grain calls only: bulk throughput with <c>PooledArray&lt;float&gt;</c> arguments (0 where not measured).</summary>
    public double PooledBulkGBps { get; init; }

    /// <summary>The median of each figure over rounds (robust to one noisy round on a shared machine).</summary>
    public static LinkFigures Median(IReadOnlyList<LinkFigures> rounds) => new(
        MedianOf(rounds.Select(r => r.RttP50Us)),
        MedianOf(rounds.Select(r => r.RttP99Us)),
        MedianOf(rounds.Select(r => r.FramesPerSecond)),
        MedianOf(rounds.Select(r => r.BulkGBps)))
    {
        PooledBulkGBps = MedianOf(rounds.Select(r => r.PooledBulkGBps)),
    };

    private static double MedianOf(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>How much each measurement does. The defaults take about 25 s for both links on 2 cores.</summary>
internal sealed record TransportBenchmarkSettings
{
    /// <summary>Round trips timed per round (one request in flight).</summary>
    public int RoundTrips { get; init; } = 20_000;

    /// <summary>Requests per round of the many-in-flight measurement.</summary>
    public int PipelinedRequests { get; init; } = 100_000;

    /// <summary>Requests kept in flight in the many-in-flight measurement.</summary>
    public int Window { get; init; } = 64;

    /// <summary>Bytes in a small request's body.</summary>
    public int SmallBodyBytes { get; init; } = 32;

    /// <summary>Bytes in a bulk message (a 4 MiB tensor).</summary>
    public int BulkBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Bulk messages per round.</summary>
    public int BulkMessages { get; init; } = 96;

    /// <summary>Rounds per link; each figure is the median over rounds, the links alternate.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Warm-up before timing (tiered JIT needs about half a second).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A small setting for smoke runs.</summary>
    public static TransportBenchmarkSettings Quick { get; } = new()
    {
        RoundTrips = 2_000, PipelinedRequests = 10_000, BulkMessages = 16, Rounds = 1, WarmUp = TimeSpan.FromMilliseconds(300),
    };
}

/// <summary>Frame kinds shared by both links: the first header byte.</summary>
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

    public static string Format(double value) => value.ToString(value >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture);
}
