using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace OrleansML.Silo.Http;

/// <summary>
/// A bare Kestrel server (no routing, no middleware of its own, no server header, at most 16 connections) on one
/// address and port: what the silo host's small HTTP endpoints share, since the host has no ASP.NET Core application
/// to map routes in. It answers whatever Host header a prober sends, which <see cref="HttpListener"/> would not.
/// </summary>
internal sealed class BareKestrelServer : IAsyncDisposable
{
    private readonly WebApplication _server;

    private BareKestrelServer(WebApplication server) => _server = server;

    /// <summary>Binds <paramref name="address"/>:<paramref name="port"/>, lets <paramref name="configure"/> add the
    /// request pipeline, and starts serving.</summary>
    public static async Task<BareKestrelServer> StartAsync(IPAddress address, int port, Action<WebApplication> configure, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = 16;
        });
        WebApplication server = builder.Build();
        configure(server);
        await server.StartAsync(cancellationToken);
        return new BareKestrelServer(server);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
