using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansML.Dashboard.Http;

namespace OrleansML.Silo.Health;

/// <summary>
/// Serves <c>GET /healthz</c> (200 while the process runs) and <c>GET /readyz</c> (200 when every
/// <see cref="ReadinessProbe"/> check passes, else 503), each with a plain-text body of one line per check, on a
/// <see cref="BareKestrelServer"/> at <see cref="HealthOptions.Address"/>.
/// </summary>
internal sealed partial class HealthEndpoint(HealthOptions options, ReadinessProbe probe, ILogger<HealthEndpoint> logger) : IHostedService, IAsyncDisposable
{
    private BareKestrelServer? _server;

    /// <summary>Binds the port (after the silo has started: the host starts hosted services in order).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await BareKestrelServer.StartAsync(options.Address, options.Port, server => server.Run(RespondAsync), cancellationToken);
        LogListening(logger, options.Address, options.Port);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task RespondAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        (int status, string body) = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            ? (StatusCodes.Status405MethodNotAllowed, "GET or HEAD only\n")
            : request.Path.Value switch
            {
                "/healthz" => (StatusCodes.Status200OK, "alive\n"),
                "/readyz" => await ReadinessAsync(context.RequestAborted),
                _ => (StatusCodes.Status404NotFound, "not found: the paths are /healthz and /readyz\n"),
            };
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        context.Response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsHead(request.Method))
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    private async Task<(int Status, string Body)> ReadinessAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CheckResult> results = await probe.RunAsync(cancellationToken);
        bool ready = results.All(r => r.Passed);
        var body = new StringBuilder(ready ? "ready\n" : "not ready\n");
        foreach (CheckResult result in results)
        {
            body.Append(result.Name).Append(": ").Append(result.Passed ? "ok" : "FAILED").Append(" (").Append(result.Detail).Append(")\n");
            if (!result.Passed)
            {
                LogCheckFailed(logger, result.Name, result.Detail);
            }
        }

        return (ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, body.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health endpoint listening on http://{Address}:{Port} (/healthz, /readyz)")]
    private static partial void LogListening(ILogger logger, System.Net.IPAddress address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check {Check} failed: {Detail}")]
    private static partial void LogCheckFailed(ILogger logger, string check, string detail);
}
