using Microsoft.Extensions.Configuration;
using OrleansML.Client.Security;

namespace OrleansML.Deploy.Tests.Tls;

/// <summary>
/// OrleansML:Tls on real silo processes (PostgreSQL membership, Azurite storage) with a self-signed certificate made
/// here: the silos form a cluster over TLS and a client presenting a trusted certificate runs a job; a client without
/// TLS, and one whose certificate the silos do not trust, are refused; the certificate password appears in no log.
/// </summary>
public sealed class TlsClusterTests
{
    private static readonly string[] s_siloNames = ["tls-silo-0", "tls-silo-1"];

    [Fact]
    public async Task A_tls_cluster_trains_and_refuses_clients_without_a_trusted_certificate()
    {
        string directory = Directory.CreateTempSubdirectory("orleansml-tls-").FullName;
        var cluster = TestCertificates.Create(directory, "orleansml-cluster");
        var stranger = TestCertificates.Create(directory, "stranger");
        await using TemporaryDatabase database = await TemporaryDatabase.CreateAsync(withSchema: true);
        string id = "tls-" + Guid.NewGuid().ToString("N")[..12];
        var identity = new ClusterIdentity(id, "service-" + id, database.ConnectionString, TestServices.Azurite, "state-" + id);

        var silos = new List<SiloProcess>();
        try
        {
            silos.AddRange(await Task.WhenAll(s_siloNames.Select(name =>
            {
                int[] ports = FreePorts.Take(2);
                Dictionary<string, string> environment = SiloEnvironment.For(identity, name, ports[0], ports[1], SiloTuning.ShippedDefaults);
                environment["OrleansML__Tls__Enabled"] = "true";
                environment["OrleansML__Tls__CertificatePath"] = cluster.PfxPath;
                environment["OrleansML__Tls__CertificatePassword"] = cluster.Password;
                environment["OrleansML__Tls__TrustedCertificatePath"] = cluster.PemPath;
                return SiloProcess.StartAsync(name, ports[0], ports[1], environment, directory, TimeSpan.FromSeconds(90));
            })));

            await using (ClusterClient trusted = await ClusterClient.StartAsync(id, identity.ServiceId, database.ConnectionString, c => c.UseOrleansMLTls(Tls(cluster))))
            {
                Assert.Equal(2, (await trusted.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60))).Length);
                using TrainingData data = TrainingData.Write(rows: 2000, partitions: 2);
                await JobRuns.RunToCompletionAsync(trusted.Client, JobRuns.Logistic(data, "tls", epochs: 2), TimeSpan.FromMinutes(3),
                    () => string.Join(Environment.NewLine, silos.Select(s => s.Tail())));
            }

            // No TLS at all: the gateway expects a TLS handshake and the client never gets a connection.
            await AssertRefusedAsync(id, identity.ServiceId, database.ConnectionString, configure: null);
            // TLS with a certificate the silos do not trust (the client trusts the silos; they do not trust it).
            await AssertRefusedAsync(id, identity.ServiceId, database.ConnectionString, c => c.UseOrleansMLTls(Tls(stranger, trust: cluster.PemPath)));

            // The CLI's remote connection reads the same keys from its environment.
            var cliTls = new Dictionary<string, string>
            {
                ["Orleans__ServiceId"] = identity.ServiceId,
                ["OrleansML__Tls__Enabled"] = "true",
                ["OrleansML__Tls__CertificatePath"] = cluster.PfxPath,
                ["OrleansML__Tls__CertificatePassword"] = cluster.Password,
                ["OrleansML__Tls__TrustedCertificatePath"] = cluster.PemPath,
            };
            string[] command = ["cluster", "--postgres", database.ConnectionString, "--cluster-id", id];
            var listed = await CliRun.RunAsync(cliTls, command);
            Assert.True(listed.ExitCode == 0, $"orleansml cluster over TLS exited {listed.ExitCode}: {listed.Output}{listed.Errors}");
            Assert.Contains("tls-silo-0", listed.Output, StringComparison.Ordinal);
            Assert.Contains("tls-silo-1", listed.Output, StringComparison.Ordinal);
            var plain = await CliRun.RunAsync(new Dictionary<string, string> { ["Orleans__ServiceId"] = identity.ServiceId }, command);
            Assert.True(plain.ExitCode == 3, $"orleansml cluster without TLS exited {plain.ExitCode} (3: unreachable expected): {plain.Output}{plain.Errors}");
            Assert.DoesNotContain(cluster.Password, listed.Output + listed.Errors, StringComparison.Ordinal);

            Assert.All(silos, s => Assert.False(s.HasExited, s.Tail()));
        }
        finally
        {
            foreach (SiloProcess silo in silos)
            {
                await silo.DisposeAsync();
            }

            await TestServices.DeleteBlobContainerAsync(identity.BlobContainer);
        }

        foreach (SiloProcess silo in silos)
        {
            string log = await File.ReadAllTextAsync(silo.LogPath);
            Assert.Contains("silo ready", log, StringComparison.Ordinal);
            Assert.DoesNotContain(cluster.Password, log, StringComparison.Ordinal);
        }
    }

    private static async Task AssertRefusedAsync(string clusterId, string serviceId, string database, Action<IClientBuilder>? configure)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Exception refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            // No retries of the first connection: a refusal must show as a failure, not as a client still trying.
            await using ClusterClient client = await ClusterClient.StartAsync(clusterId, serviceId, database, c =>
            {
                configure?.Invoke(c);
                c.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            });
            await client.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        });
        Assert.False(refused is Xunit.Sdk.XunitException or OperationCanceledException, refused.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the refusal took {clock.Elapsed}: {refused.GetType().Name}: {refused.Message}");
    }

    private static IConfiguration Tls((string PfxPath, string Password, string PemPath) certificate, string? trust = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansML:Tls:Enabled"] = "true",
            ["OrleansML:Tls:CertificatePath"] = certificate.PfxPath,
            ["OrleansML:Tls:CertificatePassword"] = certificate.Password,
            ["OrleansML:Tls:TrustedCertificatePath"] = trust ?? certificate.PemPath,
        }).Build();
}
