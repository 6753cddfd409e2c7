using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Client;
using OrleansML.Dashboard.Http;

namespace OrleansML.Dashboard;

/// <summary>
/// Serves the training page: <c>GET /</c> (the page), <c>GET /api/jobs</c> (every job seen, as JSON) and
/// <c>GET /api/jobs/{id}</c> (one job; 404 when none of that id was started). A <see cref="BareKestrelServer"/>, as the health
/// endpoint is: no routing, no static files, nothing from outside the assembly. With a token configured every
/// request must present it; the comparison takes the same time whatever the token sent.
/// </summary>
public sealed partial class DashboardServer : IAsyncDisposable
{
    /// <summary>Connections served at once: a page polls over one or two, so this allows a few dozen viewers.</summary>
    private const int MaxConnections = 64;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly DashboardOptions _options;
    private readonly JobViewSource _source;
    private readonly ILogger _logger;
    private readonly BearerToken? _token;
    private readonly byte[] _page;
    private BareKestrelServer? _server;

    /// <summary>Creates the server; <see cref="StartAsync"/> binds it.</summary>
    /// <exception cref="DashboardException">The options are invalid.</exception>
    public DashboardServer(OrleansMLClient client, DashboardOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _source = new JobViewSource(client, options.RefreshInterval, options.FinishedJobs, time ?? TimeProvider.System);
        _token = options.Token is null ? null : new BearerToken(options.Token);
        _page = TrainingPage(options.RefreshInterval);
    }

    /// <summary>The page's address once started (<c>http://127.0.0.1:port/</c>; without the token).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await BareKestrelServer.StartAsync(_options.Address, _options.Port, server => server.Run(RespondAsync), cancellationToken, MaxConnections);
        Address = _server.Address;
        LogListening(_logger, _options.Address, Address.Port, _options.RequiresToken);
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
            _server = null;
        }

        _source.Dispose();
    }

    private async Task RespondAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsGet(request.Method))
        {
            await WriteAsync(response, StatusCodes.Status405MethodNotAllowed, "text/plain; charset=utf-8", "GET only\n"u8.ToArray(), context.RequestAborted);
            return;
        }

        if (_token is not null && !_token.IsPresentedBy(request))
        {
            await BearerToken.ChallengeAsync(response, "this dashboard requires its token: 'Authorization: Bearer <token>' or '?token=<token>'", context.RequestAborted);
            return;
        }

        string path = request.Path.Value ?? "/";
        try
        {
            if (path is "/" or "/index.html")
            {
                // The page sends no referrer: its address may carry the token.
                response.Headers["Referrer-Policy"] = "no-referrer";
                response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";
                await WriteAsync(response, StatusCodes.Status200OK, "text/html; charset=utf-8", _page, context.RequestAborted);
            }
            else if (path == "/api/jobs")
            {
                await WriteJsonAsync(response, StatusCodes.Status200OK, await _source.GetJobsAsync(context.RequestAborted), context.RequestAborted);
            }
            else if (path.StartsWith("/api/jobs/", StringComparison.Ordinal) && path.Length > "/api/jobs/".Length)
            {
                string jobId = Uri.UnescapeDataString(path["/api/jobs/".Length..]);
                JobView? view = await _source.GetJobAsync(jobId, context.RequestAborted);
                await (view is null
                    ? WriteJsonAsync(response, StatusCodes.Status404NotFound, new { error = $"no job '{jobId}' was started on this cluster" }, context.RequestAborted)
                    : WriteJsonAsync(response, StatusCodes.Status200OK, view, context.RequestAborted));
            }
            else
            {
                await WriteAsync(response, StatusCodes.Status404NotFound, "text/plain; charset=utf-8", "not found: the paths are /, /api/jobs and /api/jobs/{id}\n"u8.ToArray(), context.RequestAborted);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // The cluster did not answer (a silo is down, a timeout): the page shows why and keeps polling.
            LogClusterError(_logger, path, exception.Message);
            await WriteJsonAsync(response, StatusCodes.Status503ServiceUnavailable, new { error = $"the cluster did not answer: {exception.Message.Split('\n', 2)[0]}" }, context.RequestAborted);
        }
    }

    private static Task WriteJsonAsync<T>(HttpResponse response, int status, T value, CancellationToken cancellationToken) =>
        WriteAsync(response, status, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(value, Json), cancellationToken);

    private static async Task WriteAsync(HttpResponse response, int status, string contentType, byte[] body, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }

    private static byte[] TrainingPage(TimeSpan refresh)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("OrleansML.Dashboard.training.html")
            ?? throw new InvalidOperationException("the training page is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string html = reader.ReadToEnd().Replace("{{refreshMs}}", ((int)refresh.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(html);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training dashboard listening on {Address} port {Port} (token required: {RequiresToken})")]
    private static partial void LogListening(ILogger logger, IPAddress address, int port, bool requiresToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training dashboard: the cluster did not answer {Path}: {Reason}")]
    private static partial void LogClusterError(ILogger logger, string path, string reason);
}
