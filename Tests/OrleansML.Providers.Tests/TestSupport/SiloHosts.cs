using System.Net;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;

namespace OrleansML.Providers.Tests.TestSupport;

/// <summary>Builds in-process silos and clients on the real providers: one IHost each, on loopback TCP.</summary>
internal static class SiloHosts
{
    /// <summary>The ADO.NET invariant Orleans maps to Npgsql's factory.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Grain storage name: ADO.NET on PostgreSQL.</summary>
    public const string PostgreSqlStorage = "postgresql";

    /// <summary>Grain storage name: ADO.NET on PostgreSQL with DeleteStateOnClear, which runs DeleteStorageKey.</summary>
    public const string PostgreSqlDeletingStorage = "postgresql-delete-on-clear";

    /// <summary>Grain storage name: Azure Blob on Azurite.</summary>
    public const string BlobStorage = "azurite";

    public static async Task<IHost> StartSiloAsync(SiloPlan plan, string name)
    {
        var builder = NewBuilder();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = plan.ClusterId;
                options.ServiceId = plan.ServiceId;
            });
            silo.Configure<SiloOptions>(options => options.SiloName = name);
            if (plan.AdoNetMembership)
            {
                silo.ConfigureEndpoints(IPAddress.Loopback, plan.SiloPort, plan.GatewayPort);
                silo.UseAdoNetClustering(options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = plan.DatabaseConnectionString;
                });
                silo.UseAdoNetReminderService(options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = plan.DatabaseConnectionString;
                });
                silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            }
            else
            {
                silo.UseLocalhostClustering(plan.SiloPort, plan.GatewayPort, null, plan.ServiceId, plan.ClusterId);
            }

            foreach (var (name, deleteOnClear) in new[] { (PostgreSqlStorage, false), (PostgreSqlDeletingStorage, true) })
            {
                silo.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
                    options.Configure<Serializer>((storage, serializer) =>
                    {
                        storage.Invariant = Invariant;
                        storage.ConnectionString = plan.DatabaseConnectionString;
                        storage.DeleteStateOnClear = deleteOnClear;
                        storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                    }));
            }

            silo.AddAzureBlobGrainStorage(BlobStorage, (OptionsBuilder<AzureBlobStorageOptions> options) =>
                options.Configure<Serializer>((storage, serializer) =>
                {
                    storage.BlobServiceClient = NewBlobServiceClient();
                    storage.ContainerName = plan.BlobContainer;
                    storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
        });
        return await StartAsync(builder);
    }

    /// <summary>A client that finds the cluster's gateways through the ADO.NET membership table only.</summary>
    public static async Task<IHost> StartAdoNetClientAsync(string clusterId, string serviceId, string connectionString)
    {
        var builder = NewBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = connectionString;
            });
        });
        return await StartAsync(builder);
    }

    /// <summary>The named grain storage provider of a running silo, to drive through its interface.</summary>
    public static IGrainStorage GrainStorage(this IHost silo, string name) =>
        silo.Services.GetRequiredKeyedService<IGrainStorage>(name);

    public static async Task StopAsync(IHost? host)
    {
        if (host is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            host.Dispose();
        }
    }

    // Azure's default retry policy spends about 30 s on a refused connection before it gives up; the outage test
    // wants the failure sooner. Everything else about the client is the default.
    private static BlobServiceClient NewBlobServiceClient() => new(TestServices.Azurite, new BlobClientOptions
    {
        Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(1) },
    });

    private static HostApplicationBuilder NewBuilder()
    {
        // No appsettings or environment configuration: a developer's DOTNET_ or Orleans__ variables must not leak in.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    private static async Task<IHost> StartAsync(HostApplicationBuilder builder)
    {
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
