using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace OrleansML.Silo.Telemetry;

/// <summary>
/// Serves <c>GET /metrics</c> in the Prometheus text format (OpenTelemetry's Prometheus exporter middleware) on
/// <see cref="TelemetryOptions.PrometheusAddress"/>:<see cref="TelemetryOptions.PrometheusPort"/>, a bare Kestrel
/// server of its own as the health endpoint is: the silo host has no ASP.NET Core application to map a route in.
/// </summary>
internal sealed partial class PrometheusEndpoint(TelemetryOptions options, MeterProvider meters, ILogger<PrometheusEndpoint> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.PrometheusAddress, options.PrometheusPort);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = 16;
        });
        WebApplication server = builder.Build();
        server.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null, path: Path, configureBranchedPipeline: null, optionsName: null);
        server.Run(static async context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"not found: the path is {Path}\n", context.RequestAborted);
        });
        await server.StartAsync(cancellationToken);
        _server = server;
        LogListening(logger, options.PrometheusAddress, options.PrometheusPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus scrape endpoint listening on http://{Address}:{Port}/metrics")]
    private static partial void LogListening(ILogger logger, System.Net.IPAddress address, int port);
}
