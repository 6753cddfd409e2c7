using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime;
using OrleansML.Runtime.Client;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.TestGrains;

namespace OrleansML.Benchmarks.Transport;

/// <summary>
/// Grain calls between two OrleansML.Silo processes on loopback, each figure next to raw TCP between two
/// processes measured in the same run. The benchmark is a client of silo A; a driver grain on A calls echo
/// grains on B and times the calls inside A, so the figures are silo-to-silo grain calls (the client only
/// starts each measurement). The raw baseline runs its server half in a child process (this executable with
/// <c>transport --raw-server</c>) and its client half here. Rounds alternate raw and grain; each figure is the
/// median over rounds. Last line: "transport rtt_p50_us=.. raw_rtt_p50_us=.. calls_per_s=.. bulk_gbs=.. raw_bulk_gbs=..".
/// </summary>
internal static class SiloTransportBenchmark
{
    private const string Secret = "transport-benchmark-secret-0123456789";

    public static async Task<int> RunAsync(TextWriter output, bool quick)
    {
        TransportBenchmarkSettings settings = quick ? TransportBenchmarkSettings.Quick with { Rounds = 2 } : new TransportBenchmarkSettings();
        string directory = Path.Combine(Path.GetTempPath(), $"orleansml-transport-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        string secretFile = Path.Combine(directory, "secret");
        await File.WriteAllTextAsync(secretFile, Secret);
        using var raw = RawServerProcess.Start();
        SiloProcess? a = null;
        SiloProcess? b = null;
        try
        {
            string[] Args(string name) =>
            [
                "--cluster-id", "transport-bench", "--name", name, "--membership", $"sqlite:{Path.Combine(directory, "cluster.db")}",
                "--secret-file", secretFile, "--grain-assemblies", "OrleansML.Runtime.TestGrains",
                "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:OrleansML", "Warning",
                "--FailureDetection:TableRefreshPeriod", "00:00:01", // A learns of B within a second

            ];
            a = await SiloProcess.StartAsync(Args("silo-a"), TimeSpan.FromSeconds(60));
            b = await SiloProcess.StartAsync(Args("silo-b"), TimeSpan.FromSeconds(60));
            IPEndPoint rawEndPoint = await raw.ListeningAsync(TimeSpan.FromSeconds(30));

            await using ServiceProvider services = ClientServices(a);
            IClusterClient client = services.GetRequiredService<IClusterClient>();
            await client.ConnectAsync();
            var grainLink = await GrainLink.CreateAsync(client, a.Address, b.Address);
            await output.WriteLineAsync($"silo A {a.Address}, silo B {b.Address}; driver on A, {grainLink.EchoKeys.Length} echo grains on B; raw server pid {raw.ProcessId}");

            await grainLink.WarmUpAsync(settings);
            var rawRounds = new List<LinkFigures>();
            var grainRounds = new List<LinkFigures>();
            for (int round = 0; round < settings.Rounds; round++)
            {
                rawRounds.Add(await RawTcpBaseline.RunRawClientAsync(rawEndPoint, settings, CancellationToken.None));
                grainRounds.Add(await grainLink.MeasureAsync(settings));
                await output.WriteLineAsync($"round {round + 1}: raw {Describe(rawRounds[^1])} | grain calls {Describe(grainRounds[^1])}");
            }

            LinkFigures r = LinkFigures.Median(rawRounds);
            LinkFigures g = LinkFigures.Median(grainRounds);
            await output.WriteLineAsync(
                $"grain calls silo A -> silo B vs raw TCP, two processes each, loopback; median of {settings.Rounds} rounds: {settings.RoundTrips} round trips, " +
                $"{settings.PipelinedRequests} calls with {settings.Window} in flight (raw: echoes), {settings.BulkMessages} x 4 MiB tensor arguments (raw: one-way frames)");
            await output.WriteLineAsync(Row("small round trip p50 (us)", g.RttP50Us, r.RttP50Us, "target <= 1.5x raw"));
            await output.WriteLineAsync(Row("small round trip p99 (us)", g.RttP99Us, r.RttP99Us, ""));
            await output.WriteLineAsync(Row($"calls/s, {settings.Window} in flight", g.FramesPerSecond, r.FramesPerSecond, "target >= 50,000 calls/s"));
            // A float[] argument is a fresh large-object array per call on the receiving silo, paid for in page faults
            // (see PooledArray); the bulk figure of the last line is the pooled tensor's, the float[] row says what a
            // plain array costs.
            await output.WriteLineAsync(Row("4 MiB PooledArray<float> (GB/s)", g.PooledBulkGBps, r.BulkGBps, "target >= 0.6x raw"));
            await output.WriteLineAsync(Row("4 MiB float[] (GB/s)", g.BulkGBps, r.BulkGBps, "fresh array per call"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"transport rtt_p50_us={g.RttP50Us:0.0} raw_rtt_p50_us={r.RttP50Us:0.0} calls_per_s={g.FramesPerSecond:0} bulk_gbs={g.PooledBulkGBps:0.00} raw_bulk_gbs={r.BulkGBps:0.00}"));
            return 0;
        }
        finally
        {
            a?.Dispose();
            b?.Dispose();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the system's temporary-file cleanup.
            }
        }
    }

    private static ServiceProvider ClientServices(SiloProcess gateway)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddClusterClient(o =>
        {
            o.ClusterId = "transport-bench";
            o.ClusterSecret = Secret;
            o.StaticGateways.Add(new GatewayAddress(SiloAddress.Parse(gateway.Address), gateway.GatewayPort!.Value));
            o.ResponseTimeout = TimeSpan.FromMinutes(2);
        }).AddGrainAssembly(typeof(IDriverGrain).Assembly);
        return services.BuildServiceProvider();
    }

    private static string Describe(LinkFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {f.RttP50Us:0.0} us, p99 {f.RttP99Us:0.0} us, {f.FramesPerSecond:0}/s, {f.BulkGBps:0.00} GB/s{(f.PooledBulkGBps > 0 ? $" (pooled {f.PooledBulkGBps:0.00} GB/s)" : "")}");

    private static string Row(string name, double grain, double raw, string target) => string.Create(CultureInfo.InvariantCulture,
        $"  {name,-34} grain {Percentiles.Format(grain),10}   raw {Percentiles.Format(raw),10}   ratio {grain / raw:0.00}   {target}");

    /// <summary>The driver grain on silo A and echo grains found on silo B.</summary>
    private sealed class GrainLink(IDriverGrain driver, string[] echoKeys)
    {
        public string[] EchoKeys { get; } = echoKeys;

        public static async Task<GrainLink> CreateAsync(IClusterClient client, string siloA, string siloB)
        {
            // Prefer-local placement: the driver activates on the gateway the client called through (A).
            IDriverGrain driver = client.GetGrain<IDriverGrain>("driver");
            string driverSilo = (await driver.WhereAsync()).Split(' ')[0];
            if (driverSilo != siloA)
            {
                throw new InvalidOperationException($"The driver grain activated on {driverSilo}, not on silo A {siloA}.");
            }

            // Random placement spreads echo grains over A and B: keep those on B (the transport is what is measured).
            // A places grains on B only once its membership view holds B (its next table refresh): keep probing new keys until then.
            var onB = new List<string>();
            var clock = Stopwatch.StartNew();
            for (int i = 0; onB.Count < 16 && clock.Elapsed < TimeSpan.FromSeconds(30); i++)
            {
                string key = $"echo/{i}";
                if ((await client.GetGrain<IEchoGrain>(key).WhereAsync()).Split(' ')[0] == siloB)
                {
                    onB.Add(key);
                }
            }

            return onB.Count > 0 ? new GrainLink(driver, [.. onB]) : throw new InvalidOperationException("No echo grain activated on silo B.");
        }

        public async Task WarmUpAsync(TransportBenchmarkSettings settings)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < settings.WarmUp * 2)
            {
                await driver.PingSequentialAsync(EchoKeys[0], 2_000);
                await driver.PingConcurrentAsync(string.Join(',', EchoKeys), 10_000, settings.Window);
                await driver.SendBulkAsync(EchoKeys[0], settings.BulkBytes / sizeof(float), 4, 2);
                await driver.SendPooledBulkAsync(EchoKeys[0], settings.BulkBytes / sizeof(float), 4, 2);
            }
        }

        public async Task<LinkFigures> MeasureAsync(TransportBenchmarkSettings settings)
        {
            double[] micros = await driver.PingSequentialAsync(EchoKeys[0], settings.RoundTrips);
            Array.Sort(micros);
            double p50 = micros[micros.Length / 2];
            double p99 = micros[Math.Min(micros.Length - 1, (int)(micros.Length * 0.99))];
            double seconds = await driver.PingConcurrentAsync(string.Join(',', EchoKeys), settings.PipelinedRequests, settings.Window);
            double bulkSeconds = await driver.SendBulkAsync(EchoKeys[0], settings.BulkBytes / sizeof(float), settings.BulkMessages, 4);
            double pooledSeconds = await driver.SendPooledBulkAsync(EchoKeys[0], settings.BulkBytes / sizeof(float), settings.BulkMessages, 4);
            double bulkBytes = (double)settings.BulkMessages * settings.BulkBytes;
            return new LinkFigures(p50, p99, settings.PipelinedRequests / seconds, bulkBytes / bulkSeconds / 1e9) { PooledBulkGBps = bulkBytes / pooledSeconds / 1e9 };
        }
    }
}
