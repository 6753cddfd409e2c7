using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Client;

/// <summary>Registers the grain assemblies a client calls (their generated proxies).</summary>
public interface IClientBuilder
{
    /// <summary>The client's services.</summary>
    IServiceCollection Services { get; }

    /// <summary>Registers the generated grain code of <paramref name="assembly"/>: the interfaces' proxies. An
    /// interface that declares its grain type ([GrainType] on the interface) needs nothing more; for one that
    /// does not, add the assembly of the grain class implementing it too (a reference names its grain type).</summary>
    IClientBuilder AddGrainAssembly(Assembly assembly);
}

/// <summary>Adds an OrleansML cluster client to a service collection.</summary>
public static class ClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IClusterClient"/> (also registered as <see cref="IGrainFactory"/> when none is) and a
    /// hosted service that connects it when the host starts and disposes it when the host stops. Without a
    /// host, call <see cref="IClusterClient.ConnectAsync"/> yourself.
    /// </summary>
    public static IClientBuilder AddClusterClient(this IServiceCollection services, Action<ClusterClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IClusterClient>(provider =>
        {
            var options = new ClusterClientOptions();
            configure(options);
            options.Validate();
            TimeProvider time = provider.GetRequiredService<TimeProvider>();
            return new ClusterClient(options, GatewaySource(options, provider, time), time,
                provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance, provider.GetService<IMeterFactory>());
        });
        services.TryAddSingleton<IGrainFactory>(provider => provider.GetRequiredService<IClusterClient>());
        services.AddHostedService<ClusterClientHostedService>();
        return new ClientBuilder(services);
    }

    private static IGatewayListProvider GatewaySource(ClusterClientOptions options, IServiceProvider provider, TimeProvider time)
    {
        if (options.StaticGateways.Count > 0)
        {
            return new StaticGatewayListProvider([.. options.StaticGateways]);
        }

        if (options.MembershipDatabasePath is not null)
        {
            var sqlite = new SqliteClusteringOptions { DatabasePath = options.MembershipDatabasePath, ClusterId = options.ClusterId };
            sqlite.Validate();
            return new TableGatewayListProvider(new SqliteMembershipTable(sqlite, time));
        }

        return provider.GetService<IGatewayListProvider>()
            ?? throw new InvalidOperationException("The cluster client has no gateway source: set ClusterClientOptions.StaticGateways or MembershipDatabasePath, or register an IGatewayListProvider.");
    }

    private sealed class ClientBuilder(IServiceCollection services) : IClientBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IClientBuilder AddGrainAssembly(Assembly assembly)
        {
            GeneratedCodeRegistry.EnsureLoaded(assembly);
            return this;
        }
    }
}

/// <summary>Connects the client with the host and disposes it when the host stops.</summary>
internal sealed class ClusterClientHostedService(IClusterClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => client.ConnectAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await client.DisposeAsync();
}
