using Microsoft.Extensions.Hosting;

namespace OrleansML.Providers.Tests.Cluster;

/// <summary>
/// Two in-process silos on ADO.NET clustering, reminders and storage in a fresh PostgreSQL database (OrleansML's
/// schema), plus Azure Blob storage on Azurite, and a client that finds the gateways through the database.
/// </summary>
public sealed class ProviderCluster : IAsyncLifetime
{
    private readonly List<IHost> _silos = [];
    private TemporaryDatabase? _database;
    private IHost? _client;

    public string ClusterId { get; } = $"cluster-{Guid.NewGuid():N}";

    public string ServiceId { get; } = $"service-{Guid.NewGuid():N}";

    public string BlobContainer { get; } = $"orleansml-test-{Guid.NewGuid():N}";

    public IReadOnlyList<IHost> Silos => _silos;

    public IReadOnlyList<int> GatewayPorts { get; private set; } = [];

    internal TemporaryDatabase Database => _database ?? throw new InvalidOperationException("The cluster has not started.");

    public IHost ClientHost => _client ?? throw new InvalidOperationException("The cluster has not started.");

    public IClusterClient Client => ClientHost.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        _database = await TemporaryDatabase.CreateAsync(withSchema: true);
        var ports = FreePorts.Take(4);
        GatewayPorts = [ports[2], ports[3]];
        for (var i = 0; i < 2; i++)
        {
            var plan = new SiloPlan(ClusterId, ServiceId, _database.ConnectionString, BlobContainer, ports[i], ports[2 + i], AdoNetMembership: true);
            _silos.Add(await SiloHosts.StartSiloAsync(plan, $"silo-{i}"));
        }

        _client = await SiloHosts.StartAdoNetClientAsync(ClusterId, ServiceId, _database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await SiloHosts.StopAsync(_client);
        for (var i = _silos.Count - 1; i >= 0; i--)
        {
            await SiloHosts.StopAsync(_silos[i]);
        }

        await TestServices.DeleteBlobContainerAsync(BlobContainer);
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
