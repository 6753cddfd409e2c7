using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using OrleansML.Client.Security;
using OrleansML.Grains.Hosting.Database;

namespace OrleansML.Deploy.Tests.OnPrem;

/// <summary>
/// deploy/onprem as an operator installs it: the schema script on a fresh database, then three instances of
/// <c>orleansml-silo@.service</c>, each started from the unit's <c>ExecStart</c> with its <c>Environment=</c> and
/// <c>EnvironmentFile=</c> settings as systemd would (outside systemd), the shipped environment files filled in with
/// this test's addresses and secrets only. They form one cluster on PostgreSQL and Azurite, report ready, train a
/// job, and one host leaves gracefully on SIGTERM within the unit's stop timeout.
/// </summary>
public sealed class OnPremClusterTests
{
    private const string Unit = "orleansml-silo@.service";

    [Fact]
    public async Task Three_units_form_a_cluster_train_a_job_and_one_host_leaves()
    {
        string root = Directory.CreateTempSubdirectory("orleansml-onprem-").FullName;
        string etc = Directory.CreateDirectory(Path.Combine(root, "etc", "orleansml")).FullName;
        string state = Directory.CreateDirectory(Path.Combine(root, "var", "lib", "orleansml")).FullName;
        string logs = Directory.CreateDirectory(Path.Combine(root, "logs")).FullName;
        var unit = SystemdUnit.Load(Repository.Deploy("onprem", Unit));
        TimeSpan stopTimeout = TimeSpan.FromSeconds(int.Parse(unit.Value("Service", "TimeoutStopSec")!, CultureInfo.InvariantCulture));
        Assert.True(stopTimeout > TimeSpan.FromSeconds(30), "TimeoutStopSec must exceed the host's 30 s shutdown timeout");
        Assert.Equal("SIGTERM", unit.Value("Service", "KillSignal"));
        Assert.Equal("2", unit.Value("Service", "RestartPreventExitStatus"));

        await using TemporaryDatabase database = await TemporaryDatabase.CreateAsync(withSchema: false);
        string id = "onprem-" + Guid.NewGuid().ToString("N")[..12];
        var certificate = TestCertificates.Create(Directory.CreateDirectory(Path.Combine(etc, "tls")).FullName, "orleansml-onprem");
        EnvironmentFile cluster = EnvironmentFile.Load(Repository.Deploy("onprem", "orleansml.env")).With(new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = id,
            ["ConnectionStrings__cluster"] = database.ConnectionString,
            ["ConnectionStrings__blobs"] = TestServices.Azurite,
            ["OrleansML__BlobStore__ConnectionString"] = TestServices.Azurite,
            ["Orleans__GrainStorage__Default__ContainerName"] = "state-" + id,
            ["OrleansML__BlobStore__Container"] = "blobs-" + id,
            ["OrleansML__Health__Address"] = "127.0.0.1",
            ["OrleansML__Telemetry__PrometheusAddress"] = "127.0.0.1",
            ["OrleansML__Tls__CertificatePath"] = certificate.PfxPath,
            ["OrleansML__Tls__CertificatePassword"] = certificate.Password,
            ["OrleansML__Tls__TrustedCertificatePath"] = certificate.PemPath,
        }, Path.Combine(etc, "orleansml.env"));
        Assert.Equal("true", cluster["OrleansML__Tls__Enabled"]); // TLS is on in deploy/
        Assert.Equal("", cluster["OrleansML__Telemetry__OtlpEndpoint"]); // OTLP: a placeholder, off until set

        string sql = Path.Combine(Repository.SiloOutput, "schema", "orleansml-postgresql.sql");
        for (int run = 0; run < 2; run++)
        {
            (int exit, string output) = await ScriptRun.RunAsync(Repository.Deploy("onprem", "create-schema.sh"), cluster.Path, sql);
            Assert.True(exit == 0, $"create-schema.sh (run {run + 1}) exited {exit}: {output}");
            Assert.DoesNotContain(new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Password!, output, StringComparison.Ordinal);
        }

        SchemaStatus schema = await PostgreSqlSchema.CheckAsync(database.ConnectionString, CancellationToken.None);
        Assert.True(schema.IsComplete, schema.ToString());

        var paths = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/etc/orleansml"] = etc,
            ["/opt/orleansml/silo"] = Repository.SiloOutput,
            ["/var/lib/orleansml"] = state,
        };
        if (!File.Exists("/usr/bin/dotnet"))
        {
            paths["/usr/bin/dotnet"] = "dotnet";
        }

        EnvironmentFile template = EnvironmentFile.Load(Repository.Deploy("onprem", "silo-1.env"));
        Assert.NotNull(template["OrleansML__Telemetry__PrometheusPort"]); // the scrape endpoint is on in deploy/
        var healthPorts = new Dictionary<string, int>();
        var metricsPorts = new List<int>();
        var launches = new Dictionary<string, UnitLaunch>();
        foreach (string instance in new[] { "1", "2", "3" })
        {
            int[] ports = FreePorts.Take(4);
            template.With(new Dictionary<string, string>
            {
                ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
                ["Orleans__Endpoints__SiloPort"] = Text(ports[0]),
                ["Orleans__Endpoints__GatewayPort"] = Text(ports[1]),
                ["Orleans__Endpoints__SiloListeningEndpoint"] = $"127.0.0.1:{ports[0]}",
                ["Orleans__Endpoints__GatewayListeningEndpoint"] = $"127.0.0.1:{ports[1]}",
                ["OrleansML__Health__Port"] = Text(ports[2]),
                ["OrleansML__Telemetry__PrometheusPort"] = Text(ports[3]),
            }, Path.Combine(etc, $"silo-{instance}.env"));
            healthPorts[instance] = ports[2];
            metricsPorts.Add(ports[3]);
            launches[instance] = UnitLaunch.For(unit, instance, paths);
            Assert.Empty(SiloSettingKeys.Problems(launches[instance].Environment, $"{Unit} instance {instance}"));
        }

        var silos = new List<LoggedProcess>();
        try
        {
            silos.AddRange(await Task.WhenAll(launches.Select(l =>
                l.Value.StartAsync($"orleansml-silo@{l.Key}", logs, "silo ready", TimeSpan.FromSeconds(120)))));
            string Context() => string.Join(Environment.NewLine, silos.Select(s => $"--- {s}{Environment.NewLine}{s.Tail()}"));

            // The client reads the same OrleansML:Tls keys as the silos.
            IConfiguration tls = new ConfigurationBuilder().AddInMemoryCollection(cluster.Entries
                .Where(e => e.Key.StartsWith("OrleansML__Tls__", StringComparison.Ordinal))
                .Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value))).Build();
            await using ClusterClient client = await ClusterClient.StartAsync(id, cluster["Orleans__ServiceId"]!, database.ConnectionString, c => c.UseOrleansMLTls(tls));
            string host = Dns.GetHostName();
            Assert.Equal([$"{host}-1", $"{host}-2", $"{host}-3"], await client.WaitForActiveSilosAsync(3, TimeSpan.FromSeconds(60)));
            foreach (int port in healthPorts.Values)
            {
                string ready = await HealthProbe.WaitForAsync(port, "/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(30));
                Assert.Contains("blob-store: ok (AzureBlobStore answered)", ready, StringComparison.Ordinal);
            }

            using (TrainingData data = TrainingData.Write(rows: 3000, partitions: 4))
            {
                await JobRuns.RunToCompletionAsync(client.Client, JobRuns.Logistic(data, "onprem", epochs: 3), TimeSpan.FromMinutes(4), Context);
            }

            // Each silo serves its scrape endpoint, and the job's steps are counted on at least one of them.
            var scrapes = new List<string>();
            foreach (int port in metricsPorts)
            {
                (HttpStatusCode status, string metrics) = await HealthProbe.GetAsync(port, "/metrics");
                Assert.Equal(HttpStatusCode.OK, status);
                scrapes.Add(metrics);
            }

            Assert.Contains(scrapes, s => s.Contains("orleansml_steps_total{", StringComparison.Ordinal));

            // Removing a host: systemctl stop sends SIGTERM; the silo leaves membership and exits 0 in time.
            LoggedProcess leaving = silos[2];
            Assert.Equal(0, await leaving.TerminateAsync(stopTimeout));
            Assert.Equal("silo stopped", leaving.StandardOutput[^1]);
            Assert.Equal([$"{host}-1", $"{host}-2"], await client.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(30)));
        }
        finally
        {
            foreach (LoggedProcess silo in silos)
            {
                await silo.DisposeAsync();
            }

            await TestServices.DeleteBlobContainerAsync("state-" + id);
            await TestServices.DeleteBlobContainerAsync("blobs-" + id);
        }

        // The secrets the environment file holds appear in no silo's output.
        string databasePassword = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Password!;
        foreach (string log in Directory.GetFiles(logs))
        {
            string text = await File.ReadAllTextAsync(log);
            Assert.DoesNotContain(certificate.Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(databasePassword, text, StringComparison.Ordinal);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
