using System.Globalization;
using System.Net;
using OrleansML.Benchmarks.Clusters;

namespace OrleansML.Benchmarks.Transport;

/// <summary>
/// Grain calls between two <c>OrleansML.Silo</c> processes on loopback against raw TCP between two processes,
/// measured in the same run. The transport probe of silo A (<see cref="OrleansML.Diagnostics.ITransportProbeGrain"/>)
/// calls the probe of silo B and times inside A: sequential empty calls, 4 MiB <c>FloatTensor</c> arguments (push)
/// and 4 MiB <c>FloatTensor</c> results (pull). The raw baseline runs its server in a child process (this executable
/// with <c>transport --raw-server</c>) and its client here: sequential round trips of a small frame, and 4 MiB
/// frames streamed one way. Rounds alternate raw and grain measurements; every figure is reported as min / median /
/// max over rounds, and ratios are of the medians. Last line:
/// "transport rtt_p50_us=.. raw_rtt_p50_us=.. push_gbs=.. pull_gbs=.. raw_gbs=..".
/// </summary>
internal static class TransportBenchmark
{
    /// <summary>Attempts to start the silos before the benchmark gives up (<see cref="StartClusterAsync"/>).</summary>
    private const int ClusterStartAttempts = 3;

    public static async Task<int> RunAsync(TextWriter output, TransportBenchmarkSettings settings)
    {
        using var raw = RawServerProcess.Start();
        using SiloCluster cluster = await StartClusterAsync(output);
        await using BenchmarkClient client = await BenchmarkClient.ConnectAsync(cluster);
        SiloAddress[] silos = await client.ActiveSilosAsync(cluster, TimeSpan.FromSeconds(60));
        ProbeLink link = await ProbeLink.ConnectAsync(client.Client, silos[0], silos[1], TimeSpan.FromSeconds(60));
        IPEndPoint rawEndPoint = await raw.ListeningAsync(TimeSpan.FromSeconds(30));
        await output.WriteLineAsync($"silo A {silos[0]} (pid {cluster.Silos[0].ProcessId}), silo B {silos[1]} (pid {cluster.Silos[1].ProcessId}); raw server pid {raw.ProcessId}; {Environment.ProcessorCount} cores, load average {Measurement.LoadAverage()}");

        await link.WarmUpAsync(settings, settings.WarmUp * 2);
        var rawRounds = new List<RawFigures>();
        var grainRounds = new List<GrainFigures>();
        for (int round = 1; round <= settings.Rounds; round++)
        {
            rawRounds.Add(await RawTcpBaseline.RunRawClientAsync(rawEndPoint, settings, CancellationToken.None));
            grainRounds.Add(await link.MeasureAsync(settings));
            RawFigures r = rawRounds[^1];
            GrainFigures g = grainRounds[^1];
            await output.WriteLineAsync(Invariant(
                $"round {round}: raw p50 {r.RttP50Us:0.0} us, p99 {r.RttP99Us:0.0} us, {r.BulkGBps:0.00} GB/s | grain p50 {g.RttP50Us:0.0} us, p99 {g.RttP99Us:0.0} us, push {g.PushGBps:0.00} GB/s, pull {g.PullGBps:0.00} GB/s"));
        }

        await output.WriteLineAsync(
            Invariant($"silo A -> silo B grain calls vs raw TCP, two processes each, loopback; {settings.Rounds} rounds of {settings.RoundTrips} round trips and ") +
            Invariant($"{settings.BulkMessages} x {settings.BulkBytes >> 20} MiB FloatTensor pushes (arguments) and pulls (results), {settings.InFlight} in flight (raw: frames streamed one way)"));
        await output.WriteLineAsync($"load average at the end: {Measurement.LoadAverage()}");
        await output.WriteLineAsync("  figure                         grain min / median / max        raw min / median / max      ratio of medians (min..max of per-round ratios)");
        double rtt = await RowAsync(output, "round trip p50 (us)", grainRounds.Select(g => g.RttP50Us), rawRounds.Select(r => r.RttP50Us), "target <= 1.5");
        await RowAsync(output, "round trip p99 (us)", grainRounds.Select(g => g.RttP99Us), rawRounds.Select(r => r.RttP99Us), "");
        double push = await RowAsync(output, "4 MiB push, argument (GB/s)", grainRounds.Select(g => g.PushGBps), rawRounds.Select(r => r.BulkGBps), "target >= 0.5");
        double pull = await RowAsync(output, "4 MiB pull, result (GB/s)", grainRounds.Select(g => g.PullGBps), rawRounds.Select(r => r.BulkGBps), "target >= 0.5");
        await output.WriteLineAsync(Invariant($"ratios: round trip {rtt:0.00}x raw (target <= 1.5), push {push:0.00}x raw (target >= 0.5), pull {pull:0.00}x raw (target >= 0.5)"));
        double grainRtt = Measurement.Median(grainRounds.Select(g => g.RttP50Us));
        double rawRtt = Measurement.Median(rawRounds.Select(r => r.RttP50Us));
        double pushGBps = Measurement.Median(grainRounds.Select(g => g.PushGBps));
        double pullGBps = Measurement.Median(grainRounds.Select(g => g.PullGBps));
        double rawGBps = Measurement.Median(rawRounds.Select(r => r.BulkGBps));
        await output.WriteLineAsync(Invariant($"transport rtt_p50_us={grainRtt:0.0} raw_rtt_p50_us={rawRtt:0.0} push_gbs={pushGBps:0.00} pull_gbs={pullGBps:0.00} raw_gbs={rawGBps:0.00}"));
        return 0;
    }

    /// <summary>
    /// Starts the two silos, each attempt on new free ports: a port is free when picked and bound by the silo a moment
    /// later, so another process can take it in between, and the silo then exits before it is ready. A silo that does
    /// not get ready in time is not retried (that is no port clash).
    /// </summary>
    private static async Task<SiloCluster> StartClusterAsync(TextWriter output)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await SiloCluster.StartAsync("transport-bench", 2, TimeSpan.FromSeconds(90));
            }
            catch (InvalidOperationException exception) when (attempt < ClusterStartAttempts)
            {
                await output.WriteLineAsync($"silo start attempt {attempt} of {ClusterStartAttempts} failed, retrying on new ports: {exception.Message}");
            }
        }
    }

    /// <summary>Prints one figure's spread for both links and returns the ratio of the medians.</summary>
    private static async Task<double> RowAsync(TextWriter output, string name, IEnumerable<double> grain, IEnumerable<double> raw, string target)
    {
        double[] g = [.. grain];
        double[] r = [.. raw];
        double[] paired = [.. g.Zip(r, (x, y) => x / y)];
        double ratio = Measurement.Median(g) / Measurement.Median(r);
        await output.WriteLineAsync(Invariant(
            $"  {name,-29} {Spread(g),-31} {Spread(r),-27} {ratio:0.00} ({paired.Min():0.00}..{paired.Max():0.00}) {target}"));
        return ratio;
    }

    private static string Spread(double[] values) => Invariant($"{Format(values.Min())} / {Format(Measurement.Median(values))} / {Format(values.Max())}");

    private static string Format(double value) => value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
