using System.Diagnostics;
using System.Globalization;
using System.Net;
using OrleansML.Jobs;

namespace OrleansML.Deploy.Tests.Telemetry;

/// <summary>
/// <c>/metrics</c> of a real silo process on PostgreSQL and Azurite while a job runs: the OrleansML counters move
/// between two scrapes and Orleans' own meter is exported beside them; the same silo exports metrics and the job's
/// spans over OTLP/HTTP to a stand-in collector. Telemetry settings the host must refuse exit with code 2 and name
/// their key.
/// </summary>
public sealed class PrometheusEndpointTests
{
    [Fact]
    public async Task The_scrape_endpoint_shows_the_training_counters_moving_and_otlp_receives_metrics_and_spans()
    {
        await using TemporaryDatabase database = await TemporaryDatabase.CreateAsync(withSchema: true);
        string id = "telemetry-" + Guid.NewGuid().ToString("N")[..12];
        var identity = new ClusterIdentity(id, "service-" + id, database.ConnectionString, TestServices.Azurite, "state-" + id);
        int[] ports = FreePorts.Take(4);
        using var collector = new OtlpReceiver(ports[3]);
        Dictionary<string, string> environment = SiloEnvironment.For(identity, "telemetry-silo", ports[0], ports[1], SiloTuning.ShippedDefaults);
        environment["OrleansML__Telemetry__PrometheusPort"] = ports[2].ToString(CultureInfo.InvariantCulture);
        environment["OrleansML__Telemetry__OtlpEndpoint"] = $"http://127.0.0.1:{collector.Port}";
        environment["OrleansML__Telemetry__OtlpProtocol"] = "HttpProtobuf";
        // OpenTelemetry's standard variables: export every second instead of every minute (metrics) and 5 s (spans).
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        string logs = Directory.CreateTempSubdirectory("orleansml-deploy-telemetry-").FullName;
        using TrainingData data = TrainingData.Write(rows: 4000, partitions: 2);
        await using SiloProcess silo = await SiloProcess.StartAsync("telemetry-silo", ports[0], ports[1], environment, logs, TimeSpan.FromSeconds(90));
        await using ClusterClient client = await ClusterClient.StartAsync(identity.ClusterId, identity.ServiceId, identity.DatabaseConnectionString);

        TrainingSpec spec = JobRuns.Logistic(data, "telemetry", epochs: 200);
        await JobRuns.StartAsync(client.Client, spec);
        try
        {
            (HttpStatusCode status, string first) = await WaitForScrapeAsync(ports[2], text => Total(text, "orleansml_steps_total", spec.JobId!) > 0, silo);
            Assert.Equal(HttpStatusCode.OK, status);
            (_, string second) = await WaitForScrapeAsync(ports[2], text => Total(text, "orleansml_steps_total", spec.JobId!) > Total(first, "orleansml_steps_total", spec.JobId!), silo);

            foreach (string counter in new[] { "orleansml_steps_total", "orleansml_rows_total", "orleansml_push_bytes_total", "orleansml_pull_bytes_total" })
            {
                double before = Total(first, counter, spec.JobId!);
                double after = Total(second, counter, spec.JobId!);
                Assert.True(after > before && before > 0, $"{counter}: {before} then {after}");
            }

            Assert.Contains("orleansml_barrier_wait_seconds_count{", second, StringComparison.Ordinal);
            Assert.Contains("orleansml_role=\"worker\"", second, StringComparison.Ordinal);
            Assert.Contains("orleansml_mode=\"Bsp\"", second, StringComparison.Ordinal);

            // Orleans' own meter, exported by the same endpoint.
            Assert.Contains("otel_scope_name=\"Microsoft.Orleans\"", second, StringComparison.Ordinal);
            Assert.Contains("\norleans_", second, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await HealthProbe.GetAsync(ports[2], "/healthz")).Status);

            // OTLP: the job's metrics, and its job, epoch and run-slice spans with Orleans' call spans between them.
            await WaitForAsync(() => collector.Received("/v1/metrics", "orleansml.steps", "orleansml.push.bytes", spec.JobId!), collector, silo);
            await WaitForAsync(() => collector.Received("/v1/traces", "orleansml.steps", spec.JobId!), collector, silo);
            await WaitForAsync(() => collector.Received("/v1/traces", "orleansml.epoch"), collector, silo);
            await WaitForAsync(() => collector.Received("/v1/traces", "IPartitionWorkerGrain/RunEpochAsync"), collector, silo);
        }
        finally
        {
            await JobRuns.Grain(client.Client, spec).CancelAsync();
        }

        Assert.False(silo.HasExited, silo.Tail());
        await TestServices.DeleteBlobContainerAsync(identity.BlobContainer);
    }

    [Theory]
    [InlineData("--OrleansML:Telemetry:PrometheusPort", "metrics", "OrleansML:Telemetry:PrometheusPort must be a port in 0..65535")]
    [InlineData("--OrleansML:Telemetry:PrometheusAddress", "example.com", "OrleansML:Telemetry:PrometheusAddress must be an IP address")]
    [InlineData("--OrleansML:Telemetry:OtlpEndpoint", "collector:4317", "OrleansML:Telemetry:OtlpEndpoint must be an absolute http:// or https:// address")]
    [InlineData("--OrleansML:Telemetry:OtlpProtocol", "Thrift", "OrleansML:Telemetry:OtlpProtocol must be Grpc or HttpProtobuf")]
    [InlineData("--OrleansML:Telemetry:TraceSampleRatio", "1.5", "OrleansML:Telemetry:TraceSampleRatio must be a number from 0 to 1")]
    [InlineData("--OrleansML:Telemetry:PrometheusPrt", "9464", "OrleansML:Telemetry:PrometheusPrt is not a telemetry setting")]
    [InlineData("--OrleansML:Telemetry:PrometheusPort", "30000", "OrleansML:Telemetry:PrometheusPort is 30000, which the silo already uses for its GatewayPort")]
    public async Task Invalid_telemetry_settings_are_refused_naming_the_key(string key, string value, string message)
    {
        await SiloRun.AssertRefusedAsync(message, key, value);
    }

    /// <summary>The sum of a counter's series for one job in a Prometheus text exposition.</summary>
    private static double Total(string exposition, string metric, string jobId) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) && line.Contains($"orleansml_job=\"{jobId}\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static async Task WaitForAsync(Func<bool> condition, OtlpReceiver collector, SiloProcess silo)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(silo.HasExited, silo.Tail());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the collector did not receive the expected export within 60 s; received {collector.Describe()}");
            await Task.Delay(250);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> WaitForScrapeAsync(int port, Func<string, bool> condition, SiloProcess silo)
    {
        var clock = Stopwatch.StartNew();
        (HttpStatusCode Status, string Body) last = default;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            last = await HealthProbe.GetAsync(port, "/metrics");
            if (last.Status == HttpStatusCode.OK && condition(last.Body))
            {
                return last;
            }

            Assert.False(silo.HasExited, silo.Tail());
            await Task.Delay(500);
        }

        throw new TimeoutException($"/metrics did not show the expected values within 60 s; last answer {last.Status}:\n{last.Body}");
    }
}
