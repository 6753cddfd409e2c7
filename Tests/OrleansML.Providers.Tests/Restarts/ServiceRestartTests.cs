using static OrleansML.Providers.Tests.Storage.StorageProbe;

namespace OrleansML.Providers.Tests.Restarts;

/// <summary>
/// A restart of the service behind grain storage loses no acknowledged write: PostgreSQL keeps its data directory,
/// Azurite runs on disk (not in memory). Also proves test.sh's service scripts restart on the same port and data.
/// </summary>
[Collection(ServiceRestartDefinition.Name)]
public sealed class ServiceRestartTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("postgresql", SiloHosts.PostgreSqlStorage)]
    [InlineData("azurite", SiloHosts.BlobStorage)]
    public async Task Acknowledged_state_survives_a_restart_of_the_service_behind_the_storage(string service, string provider)
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: true);
        var container = $"orleansml-restart-{Guid.NewGuid():N}";
        var ports = FreePorts.Take(2);
        // Development clustering: the silo itself must not depend on the service being restarted.
        var plan = new SiloPlan($"restart-{Guid.NewGuid():N}", $"restart-{Guid.NewGuid():N}", database.ConnectionString, container, ports[0], ports[1], AdoNetMembership: false);
        var silo = await SiloHosts.StartSiloAsync(plan, "restart");
        try
        {
            var storage = silo.GrainStorage(provider);
            var grainId = NewGrainId("guid");
            var handle = await ReadAsync(storage, grainId);
            var acknowledged = State(7, "before-restart");
            await WriteAsync(storage, grainId, handle, acknowledged);
            var etag = handle.ETag;

            await TestServices.StopAsync(service);
            try
            {
                // With the service down a write fails loudly; it is not acknowledged and changes nothing.
                await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(storage, grainId, handle, State(8, "during-outage")));
                Assert.Equal(etag, handle.ETag);
            }
            finally
            {
                await TestServices.StartAsync(service);
            }

            // The first requests after the restart may meet connections the restart broke: retry until one answers.
            var fresh = await Eventually.ReturnsAsync(() => ReadAsync(storage, grainId), _ => true, Recovery, $"a read after {service} restarted");
            AssertHolds(acknowledged, fresh);
            Assert.Equal(etag, fresh.ETag);

            var after = State(9, "after-restart");
            await Eventually.ReturnsAsync(async () => { await WriteAsync(storage, grainId, handle, after); return true; }, _ => true, Recovery, "a write after the restart");
            AssertHolds(after, await ReadAsync(storage, grainId));
        }
        finally
        {
            await SiloHosts.StopAsync(silo);
            await TestServices.DeleteBlobContainerAsync(container);
        }
    }
}
