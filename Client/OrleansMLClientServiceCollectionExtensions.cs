using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace OrleansML.Client;

/// <summary>Adds an <see cref="OrleansMLClient"/> to a service collection.</summary>
public static class OrleansMLClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OrleansMLClient"/> as a singleton that connects with the options on first use (in
    /// a generic host, a hosted service connects it at start). The options are validated when configured.
    /// </summary>
    public static IServiceCollection AddOrleansMLClient(this IServiceCollection services, Action<OrleansMLClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new OrleansMLClientOptions();
        configure(options);
        options.Validate();
        services.TryAddSingleton(new OrleansMLClientConnection(options));
        services.TryAddSingleton(provider => provider.GetRequiredService<OrleansMLClientConnection>().GetAsync(CancellationToken.None).GetAwaiter().GetResult());
        services.AddHostedService(provider => new OrleansMLClientHostedService(provider.GetRequiredService<OrleansMLClientConnection>()));
        return services;
    }
}

/// <summary>Connects the registered client once, shared by the hosted service and direct resolution.</summary>
internal sealed class OrleansMLClientConnection(OrleansMLClientOptions options) : IAsyncDisposable
{
    private readonly Lazy<Task<OrleansMLClient>> _client = new(() => OrleansMLClient.ConnectAsync(options));

    public Task<OrleansMLClient> GetAsync(CancellationToken cancellationToken) => _client.Value.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsValueCreated && _client.Value.IsCompletedSuccessfully)
        {
            await _client.Value.Result.DisposeAsync();
        }
    }
}

/// <summary>Connects the client when the host starts.</summary>
internal sealed class OrleansMLClientHostedService(OrleansMLClientConnection connection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => connection.GetAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
