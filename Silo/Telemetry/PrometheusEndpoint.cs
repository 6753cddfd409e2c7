using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OrleansML.Dashboard.Http;

namespace OrleansML.Silo.Telemetry;

/// <summary>
/// Serves <c>GET /metrics</c> in the Prometheus text format (OpenTelemetry's Prometheus exporter middleware) on
/// <see cref="TelemetryOptions.PrometheusAddress"/>:<see cref="TelemetryOptions.PrometheusPort"/>, a bare Kestrel
/// server of its own (<see cref="BareKestrelServer"/>), as the health endpoint has.
/// </summary>
internal sealed partial class PrometheusEndpoint(TelemetryOptions options, MeterProvider meters, ILogger<PrometheusEndpoint> logger) : IHostedService, IAsyncDisposable
{
    public const string Path = "/metrics";

    private BareKestrelServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await BareKestrelServer.StartAsync(options.PrometheusAddress, options.PrometheusPort, server =>
        {
            server.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null, path: Path, configureBranchedPipeline: null, optionsName: null);
            server.Run(static async context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync($"not found: the path is {Path}\n", context.RequestAborted);
            });
        }, cancellationToken);
        LogListening(logger, options.PrometheusAddress, options.PrometheusPort);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus scrape endpoint listening on http://{Address}:{Port}/metrics")]
    private static partial void LogListening(ILogger logger, System.Net.IPAddress address, int port);
}
