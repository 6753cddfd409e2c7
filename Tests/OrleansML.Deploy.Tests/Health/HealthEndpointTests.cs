using System.Globalization;
using System.Net;

namespace OrleansML.Deploy.Tests.Health;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c> of a real silo process on PostgreSQL (membership) and Azurite (grain storage and
/// the blob store): ready when everything answers, not ready (while still alive) when Azurite stops, ready again when
/// it returns. Settings the host must refuse exit with code 2 and name their key.
/// </summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Readiness_follows_the_storage_while_liveness_stays_up()
    {
        await using TemporaryDatabase database = await TemporaryDatabase.CreateAsync(withSchema: true);
        string id = "health-" + Guid.NewGuid().ToString("N")[..12];
        var identity = new ClusterIdentity(id, "service-" + id, database.ConnectionString, TestServices.Azurite, "state-" + id);
        int[] ports = FreePorts.Take(3);
        Dictionary<string, string> environment = SiloEnvironment.For(identity, "health-silo", ports[0], ports[1], SiloTuning.ShippedDefaults);
        environment["OrleansML__BlobStore__Kind"] = "Azure";
        environment["OrleansML__BlobStore__ConnectionString"] = TestServices.Azurite;
        environment["OrleansML__BlobStore__Container"] = "blobs-" + id;
        environment["OrleansML__Health__Port"] = ports[2].ToString(CultureInfo.InvariantCulture);
        environment["OrleansML__Health__ProbeTimeout"] = "00:00:03";
        string logs = Directory.CreateTempSubdirectory("orleansml-deploy-health-").FullName;
        await using SiloProcess silo = await SiloProcess.StartAsync("health-silo", ports[0], ports[1], environment, logs, TimeSpan.FromSeconds(90));
        try
        {
            Assert.Equal((HttpStatusCode.OK, "alive\n"), await HealthProbe.GetAsync(ports[2], "/healthz"));
            string ready = await HealthProbe.WaitForAsync(ports[2], "/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(30));
            Assert.StartsWith("ready\n", ready, StringComparison.Ordinal);
            Assert.Contains($"membership: ok (S127.0.0.1:{ports[0]}:", ready, StringComparison.Ordinal);
            Assert.Contains("grain-storage: ok (AzureBlobGrainStorage answered)", ready, StringComparison.Ordinal);
            Assert.Contains("blob-store: ok (AzureBlobStore answered)", ready, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await HealthProbe.GetAsync(ports[2], "/metrics")).Status);
            Assert.Equal((HttpStatusCode.OK, "alive\n"), await HealthProbe.GetAsync(ports[2], "/healthz", host: "silo-7.example.internal:8081"));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await HealthProbe.GetAsync(ports[2], "/readyz", method: HttpMethod.Post)).Status);

            await TestServices.StopAsync("azurite");
            string down = await HealthProbe.WaitForAsync(ports[2], "/readyz", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
            Assert.StartsWith("not ready\n", down, StringComparison.Ordinal);
            Assert.Contains("membership: ok", down, StringComparison.Ordinal);
            Assert.Contains("grain-storage: FAILED", down, StringComparison.Ordinal);
            Assert.Contains("blob-store: FAILED", down, StringComparison.Ordinal);
            Assert.DoesNotContain("AccountKey", down, StringComparison.OrdinalIgnoreCase);
            Assert.Equal((HttpStatusCode.OK, "alive\n"), await HealthProbe.GetAsync(ports[2], "/healthz"));
        }
        finally
        {
            await TestServices.StartAsync("azurite");
        }

        await HealthProbe.WaitForAsync(ports[2], "/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        Assert.False(silo.HasExited, silo.Tail());
        await TestServices.DeleteBlobContainerAsync(identity.BlobContainer);
        await TestServices.DeleteBlobContainerAsync("blobs-" + id);
    }

    [Theory]
    [InlineData("--OrleansML:Health:Port", "http", "OrleansML:Health:Port must be a port in 0..65535")]
    [InlineData("--OrleansML:Health:Port", "70000", "OrleansML:Health:Port must be a port in 0..65535")]
    [InlineData("--OrleansML:Health:Address", "localhost:80", "OrleansML:Health:Address must be an IP address")]
    [InlineData("--OrleansML:Health:ProbeTimeout", "00:00:00", "OrleansML:Health:ProbeTimeout must be a time span above 0")]
    [InlineData("--OrleansML:Health:ProbeTimout", "00:00:05", "OrleansML:Health:ProbeTimout is not a health setting")]
    [InlineData("--OrleansML:Health:Port", "30000", "OrleansML:Health:Port is 30000, which the silo already uses for its GatewayPort")]
    public async Task Invalid_health_settings_are_refused_naming_the_key(string key, string value, string message)
    {
        await SiloRun.AssertRefusedAsync(message, key, value);
    }
}
