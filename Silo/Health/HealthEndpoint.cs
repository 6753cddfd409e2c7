using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansML.Silo.Health;

/// <summary>
/// Serves <c>GET /healthz</c> (200 while the process runs) and <c>GET /readyz</c> (200 when every
/// <see cref="ReadinessProbe"/> check passes, else 503), each with a plain-text body of one line per check. A small
/// <see cref="HttpListener"/>: two fixed routes do not justify a web stack in the silo.
/// </summary>
internal sealed partial class HealthEndpoint(HealthOptions options, ReadinessProbe probe, ILogger<HealthEndpoint> logger) : BackgroundService
{
    private HttpListener? _listener;

    /// <summary>Binds the port before the silo starts, so a port in use fails the start rather than a later probe.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        string prefix = options.ListenerPrefix();
        _listener = new HttpListener();
        _listener.Prefixes.Add(prefix);
        _listener.Start();
        LogListening(logger, prefix);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Stop();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _listener?.Close();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HttpListener listener = _listener!;
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or OperationCanceledException)
            {
                return; // stopped
            }

            // One request at a time is plenty for probes, and bounds what a flood of requests can cost the silo.
            await RespondAsync(context, stoppingToken);
        }
    }

    private async Task RespondAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        HttpListenerResponse response = context.Response;
        try
        {
            string path = context.Request.Url?.AbsolutePath ?? "";
            (int status, string body) = context.Request.HttpMethod is not ("GET" or "HEAD")
                ? (405, "GET or HEAD only\n")
                : path switch
                {
                    "/healthz" => (200, "alive\n"),
                    "/readyz" => await ReadinessAsync(cancellationToken),
                    _ => (404, "not found: the paths are /healthz and /readyz\n"),
                };
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            response.StatusCode = status;
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength64 = bytes.Length;
            if (context.Request.HttpMethod == "GET")
            {
                await response.OutputStream.WriteAsync(bytes, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or OperationCanceledException)
        {
            LogResponseFailed(logger, exception.Message); // the prober went away
        }
        finally
        {
            response.Close();
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

        return (ready ? 200 : 503, body.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health endpoint listening on {Prefix} (/healthz, /readyz)")]
    private static partial void LogListening(ILogger logger, string prefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check {Check} failed: {Detail}")]
    private static partial void LogCheckFailed(ILogger logger, string check, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A health response could not be sent: {Reason}")]
    private static partial void LogResponseFailed(ILogger logger, string reason);
}
