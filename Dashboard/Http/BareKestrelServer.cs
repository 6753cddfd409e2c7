using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansML.Dashboard.Http;

/// <summary>
/// A bare Kestrel server (no middleware or services of its own, no server header, a bounded number of connections)
/// on one address and port: what the silo host's HTTP endpoints and the training page share, since the silo host is a
/// generic host with no ASP.NET Core application to map routes in. It answers whatever Host header a prober sends,
/// which <see cref="HttpListener"/> would not.
/// </summary>
public sealed class BareKestrelServer : IAsyncDisposable
{
    /// <summary>Connections a server accepts at once unless its caller says otherwise.</summary>
    public const int DefaultMaxConnections = 16;

    private readonly WebApplication _server;

    private BareKestrelServer(WebApplication server, Uri address)
    {
        _server = server;
        Address = address;
    }

    /// <summary>The address the server answers on, with its real port (<c>http://127.0.0.1:port/</c>); a wildcard
    /// binding is reported as its loopback address.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Binds <paramref name="address"/>:<paramref name="port"/> (0: a port the operating system chooses), lets
    /// <paramref name="configureServices"/> add services and <paramref name="configure"/> the request pipeline, and
    /// starts serving.
    /// </summary>
    public static async Task<BareKestrelServer> StartAsync(
        IPAddress address,
        int port,
        Action<WebApplication> configure,
        CancellationToken cancellationToken,
        int maxConnections = DefaultMaxConnections,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConnections);
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = maxConnections;
        });
        configureServices?.Invoke(builder.Services);
        WebApplication server = builder.Build();
        configure(server);
        await server.StartAsync(cancellationToken);
        string bound = server.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address)}:{port}";
        var uri = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        return new BareKestrelServer(server, new Uri(uri, "/"));
    }

    /// <summary>Stops accepting requests and lets those in flight finish.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
