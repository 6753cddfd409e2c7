using System.Globalization;
using System.IO;
using System.Net;
using OrleansML.Runtime.Transport;

namespace OrleansML.Benchmarks.Transport;

/// <summary>
/// The transport micro-benchmark: raw TCP and <see cref="TcpTransport"/> on loopback, in one process, rounds
/// alternating between the two links, each figure printed next to its raw baseline with the ratio.
/// Last line: "transport-micro rtt_p50_us=.. raw_rtt_p50_us=.. rtt_p99_us=.. raw_rtt_p99_us=.. frames_per_s=..
/// raw_frames_per_s=.. bulk_gbs=.. raw_bulk_gbs=..".
/// </summary>
internal static class TransportBenchmark
{
    /// <summary>Runs the benchmark; pass <c>quick: true</c> for a smoke run.</summary>
    public static async Task RunTransportMicroAsync(TextWriter output, bool quick = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        TransportBenchmarkSettings settings = quick ? TransportBenchmarkSettings.Quick : new TransportBenchmarkSettings();
        using var stop = new CancellationTokenSource();
        var rawListening = new TaskCompletionSource<IPEndPoint>();
        var rawOutput = new LineCallbackWriter(line =>
        {
            if (line.StartsWith("raw-server listening ", StringComparison.Ordinal))
            {
                rawListening.TrySetResult(IPEndPoint.Parse(line["raw-server listening ".Length..]));
            }
        });
        Task rawServer = RawTcpBaseline.RunRawServerAsync(0, rawOutput, stop.Token);
        IPEndPoint rawEndPoint = await rawListening.Task.WaitAsync(TimeSpan.FromSeconds(10));

        string secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        TransportOptions Options() => new() { ClusterId = "transport-benchmark", ClusterSecret = secret };
        await using TcpTransport server = await TransportLink.StartServerAsync(Options());

        var raw = new List<LinkFigures>();
        var transport = new List<LinkFigures>();
        for (int round = 0; round < settings.Rounds; round++)
        {
            raw.Add(await RawTcpBaseline.RunRawClientAsync(rawEndPoint, settings, stop.Token));
            transport.Add(await TransportLink.RunTransportClientAsync(server.LocalSilo!, Options(), settings));
            await output.WriteLineAsync($"round {round + 1}: raw {Describe(raw[^1])} | transport {Describe(transport[^1])}");
        }

        await stop.CancelAsync();
        await rawServer;
        LinkFigures r = LinkFigures.Median(raw);
        LinkFigures t = LinkFigures.Median(transport);
        await output.WriteLineAsync(
            $"transport micro-benchmark (loopback, one process, median of {settings.Rounds} round(s); {settings.RoundTrips} round trips, " +
            $"{settings.PipelinedRequests} requests with {settings.Window} in flight, {settings.BulkMessages} x {settings.BulkBytes >> 20} MiB one way)");
        await output.WriteLineAsync("  (ratio = transport / raw of the medians; paired = median of the per-round ratios, robust to a noisy round)");
        await output.WriteLineAsync(Row("small round trip p50 (us)", t.RttP50Us, r.RttP50Us, Paired(transport, raw, f => f.RttP50Us)));
        await output.WriteLineAsync(Row("small round trip p99 (us)", t.RttP99Us, r.RttP99Us, Paired(transport, raw, f => f.RttP99Us)));
        await output.WriteLineAsync(Row($"echoes/s, {settings.Window} in flight", t.FramesPerSecond, r.FramesPerSecond, Paired(transport, raw, f => f.FramesPerSecond)));
        await output.WriteLineAsync(Row("4 MiB one-way throughput (GB/s)", t.BulkGBps, r.BulkGBps, Paired(transport, raw, f => f.BulkGBps)));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"transport-micro rtt_p50_us={t.RttP50Us:0.0} raw_rtt_p50_us={r.RttP50Us:0.0} rtt_p99_us={t.RttP99Us:0.0} raw_rtt_p99_us={r.RttP99Us:0.0} " +
            $"frames_per_s={t.FramesPerSecond:0} raw_frames_per_s={r.FramesPerSecond:0} bulk_gbs={t.BulkGBps:0.00} raw_bulk_gbs={r.BulkGBps:0.00}"));
    }

    private static string Describe(LinkFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {f.RttP50Us:0.0} us, p99 {f.RttP99Us:0.0} us, {f.FramesPerSecond:0}/s, {f.BulkGBps:0.00} GB/s");

    private static string Row(string name, double transport, double raw, double paired) => string.Create(CultureInfo.InvariantCulture,
        $"  {name,-34} transport {Percentiles.Format(transport),10}   raw {Percentiles.Format(raw),10}   ratio {transport / raw:0.00}   paired {paired:0.00}");

    private static double Paired(List<LinkFigures> transport, List<LinkFigures> raw, Func<LinkFigures, double> figure)
    {
        double[] ratios = [.. transport.Zip(raw, (t, r) => figure(t) / figure(r)).Order()];
        return ratios.Length % 2 == 1 ? ratios[ratios.Length / 2] : (ratios[(ratios.Length / 2) - 1] + ratios[ratios.Length / 2]) / 2;
    }

    /// <summary>Hands each written line to a callback (to read a server's "listening" line in process).</summary>
    private sealed class LineCallbackWriter(Action<string> onLine) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
        }

        public override void WriteLine(string? value) => onLine(value ?? "");

        public override Task WriteLineAsync(string? value)
        {
            onLine(value ?? "");
            return Task.CompletedTask;
        }
    }
}
