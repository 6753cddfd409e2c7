using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansML.Grains.Hosting;
using OrleansML.Grains.Hosting.Storage;

namespace OrleansML.Training.Tests.Client;

/// <summary>
/// What <see cref="OrleansMLSiloBuilderExtensions.UseOrleansMLProviders"/> makes of a configuration (the silos'
/// shared setup), read from the built host's options without starting it, and what the start-up checks refuse.
/// </summary>
public sealed class SiloConfigurationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void With_nothing_configured_a_silo_is_local_loopback_with_directory_storage_and_fast_failure_detection()
    {
        using IHost host = Build(new() { ["OrleansML:DataDirectory"] = _directory.Path });

        Assert.Equal(IPAddress.Loopback, Options<EndpointOptions>(host).AdvertisedIPAddress);
        Assert.Equal(("orleansml", "orleansml"), (Options<ClusterOptions>(host).ClusterId, Options<ClusterOptions>(host).ServiceId));
        ClusterMembershipOptions membership = Options<ClusterMembershipOptions>(host);
        Assert.Equal((TimeSpan.FromSeconds(1), 2, 2), (membership.ProbeTimeout, membership.NumMissedProbesLimit, membership.NumVotesForDeathDeclaration));
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)), (membership.TableRefreshTimeout, membership.IAmAliveTablePublishTimeout));
        var storage = Assert.IsType<DirectoryGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>("Default"));
        Assert.Equal(Path.Combine(_directory.Path, "grain-state", "orleansml"), storage.Root);
        Assert.IsType<OrleansGrainStorageSerializer>(host.Services.GetRequiredService<IOptionsMonitor<DirectoryGrainStorageOptions>>().Get("Default").GrainStorageSerializer);
    }

    [Fact]
    public void Configured_providers_come_from_orleans_sections_with_binary_state_and_the_npgsql_invariant()
    {
        using IHost host = Build(new()
        {
            ["Orleans:ClusterId"] = "prod",
            ["Orleans:ServiceId"] = "svc",
            ["Orleans:Endpoints:AdvertisedIPAddress"] = "10.1.2.3",
            ["Orleans:Clustering:ProviderType"] = "AdoNet",
            ["Orleans:Clustering:ConnectionString"] = "Host=db;Database=orleansml;Username=u;Password=p",
            ["Orleans:Reminders:ProviderType"] = "AdoNet",
            ["Orleans:Reminders:ConnectionString"] = "Host=db;Database=orleansml;Username=u;Password=p",
            ["Orleans:GrainStorage:Default:ProviderType"] = "AzureBlobStorage",
            ["Orleans:GrainStorage:Default:ConnectionString"] = "UseDevelopmentStorage=true",
            ["OrleansML:Membership:ProbeTimeout"] = "00:00:03",
            ["OrleansML:Membership:NumVotesForDeathDeclaration"] = "1",
        });

        Assert.Equal(IPAddress.Parse("10.1.2.3"), Options<EndpointOptions>(host).AdvertisedIPAddress);
        Assert.Equal(("prod", "svc"), (Options<ClusterOptions>(host).ClusterId, Options<ClusterOptions>(host).ServiceId));
        Assert.Equal("Npgsql", Options<AdoNetClusteringSiloOptions>(host).Invariant);
        Assert.Equal("Npgsql", Options<AdoNetReminderTableOptions>(host).Invariant);
        AzureBlobStorageOptions blob = host.Services.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get("Default");
        Assert.IsType<OrleansGrainStorageSerializer>(blob.GrainStorageSerializer);
        Assert.NotNull(blob.BlobServiceClient);
        ClusterMembershipOptions membership = Options<ClusterMembershipOptions>(host);
        Assert.Equal((TimeSpan.FromSeconds(3), 1, 2), (membership.ProbeTimeout, membership.NumVotesForDeathDeclaration, membership.NumMissedProbesLimit));
    }

    [Theory]
    [InlineData("Orleans:Endpoints:SiloPort", "0", "Orleans:Endpoints:SiloPort must be a port in 1..65535, was '0'.")]
    [InlineData("Orleans:Endpoints:GatewayPort", "x", "Orleans:Endpoints:GatewayPort must be a port in 0..65535 (0: no gateway), was 'x'.")]
    [InlineData("Orleans:Endpoints:AdvertisedIPAddress", "0.0.0.0", "Orleans:Endpoints:AdvertisedIPAddress must be the IP address")]
    [InlineData("Orleans:Endpoints:SiloListeningEndpoint", "nowhere", "Orleans:Endpoints:SiloListeningEndpoint must be <IP address>:<port>")]
    [InlineData("OrleansML:Membership:ProbeTimeout", "soon", "'OrleansML:Membership:ProbeTimeout'")]
    [InlineData("OrleansML:Membership:NumVotesForDeathDeclaration", "0", "OrleansML:Membership:NumVotesForDeathDeclaration must be between 1 and NumProbedSilos (10), was 0.")]
    [InlineData("OrleansML:Membership:ProbTimeout", "00:00:01", "ProbTimeout")]
    [InlineData("OrleansML:Jobs:ReminderPeriod", "00:00:00", "OrleansML: TrainingJobOptions.ReminderPeriod must be positive.")]
    [InlineData("OrleansML:Shards:PullWaitTimeout", "later", "'OrleansML:Shards:PullWaitTimeout'")]
    [InlineData("Orleans:Clustering:ProviderType", "AdoNet", "Orleans:Clustering chooses ProviderType AdoNet but names no database: set Orleans:Clustering:ConnectionString")]
    [InlineData("Orleans:GrainStorage:Default:ProviderType", "AzureBlobStorage", "Orleans:GrainStorage:Default chooses ProviderType AzureBlobStorage but names no account")]
    public async Task Invalid_settings_are_configuration_errors_naming_the_key(string key, string value, string expected)
    {
        SiloStartupException error = await Assert.ThrowsAsync<SiloStartupException>(() => CheckAsync(new() { [key] = value }));

        Assert.True(error.IsConfigurationError, error.Message);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432;Pasword=hunter2", "keyword 'Pasword', which Npgsql does not know")]
    [InlineData("Host=127.0.0.1;Port=notaport;Password=hunter2", "invalid value for keyword 'Port'")]
    public async Task A_malformed_postgresql_connection_string_is_a_configuration_error_without_the_password(string connectionString, string expected)
    {
        SiloStartupException error = await Assert.ThrowsAsync<SiloStartupException>(() => CheckAsync(new()
        {
            ["Orleans:Clustering:ProviderType"] = "AdoNet",
            ["Orleans:Clustering:ConnectionName"] = "db",
            ["ConnectionStrings:db"] = connectionString,
        }));

        Assert.True(error.IsConfigurationError, error.Message);
        Assert.StartsWith("ConnectionStrings:db (named by Orleans:Clustering:ConnectionName): ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_postgresql_is_a_service_failure_naming_host_and_port()
    {
        int port = Support.ClosedPort.Find();

        SiloStartupException error = await Assert.ThrowsAsync<SiloStartupException>(() => CheckAsync(new()
        {
            ["Orleans:Reminders:ProviderType"] = "AdoNet",
            ["Orleans:Reminders:ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=orleansml;Username=u;Password=hunter2",
        }));

        Assert.Equal(SiloStartupProblem.ServiceUnavailable, error.Problem);
        Assert.Contains($"Orleans:Reminders:ConnectionString: Cannot reach PostgreSQL (host 127.0.0.1, port {port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountName=devstoreaccount1;AccountKey=not base64!;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1", true)]
    [InlineData("this is not a connection string", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1", false)]
    public async Task Azure_blob_storage_errors_separate_bad_strings_from_unreachable_accounts(string connectionString, bool malformed)
    {
        int port = Support.ClosedPort.Find();

        SiloStartupException error = await Assert.ThrowsAsync<SiloStartupException>(() => CheckAsync(new()
        {
            ["Orleans:GrainStorage:Default:ProviderType"] = "AzureBlobStorage",
            ["Orleans:GrainStorage:Default:ConnectionString"] = connectionString.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
        }));

        Assert.DoesNotContain("a2V5", error.Message, StringComparison.Ordinal);
        if (malformed)
        {
            Assert.True(error.IsConfigurationError, error.Message);
            Assert.Contains("Orleans:GrainStorage:Default:ConnectionString is not a valid Azure Storage connection string", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(SiloStartupProblem.ServiceUnavailable, error.Problem);
            Assert.Contains($"Cannot reach Azure Blob storage at http://127.0.0.1:{port}/devstoreaccount1 (Orleans:GrainStorage:Default:ConnectionString)", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_named_with_its_key()
    {
        using System.Net.Sockets.TcpListener held = Support.ClosedPort.Occupy();
        int port = ((IPEndPoint)held.LocalEndpoint).Port;

        SiloStartupException error = await Assert.ThrowsAsync<SiloStartupException>(() => CheckAsync(new()
        {
            ["Orleans:Endpoints:SiloPort"] = Support.ClosedPort.Find().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:GatewayPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));

        Assert.Equal(SiloStartupProblem.PortInUse, error.Problem);
        Assert.Contains($"Port {port} on 127.0.0.1 (Orleans:Endpoints:GatewayPort) is already in use", error.Message, StringComparison.Ordinal);
    }

    private Task CheckAsync(Dictionary<string, string?> settings)
    {
        settings.TryAdd("OrleansML:DataDirectory", _directory.Path);
        settings.TryAdd("Orleans:Endpoints:SiloPort", Support.ClosedPort.Find().ToString(System.Globalization.CultureInfo.InvariantCulture));
        settings.TryAdd("Orleans:Endpoints:GatewayPort", Support.ClosedPort.Find().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return SiloStartupChecks.RunAsync(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), CancellationToken.None);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.UseOrleansMLProviders().AddOrleansMLTraining());
        return builder.Build();
    }

    private static T Options<T>(IHost host) where T : class => host.Services.GetRequiredService<IOptions<T>>().Value;
}
