using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;
using OrleansML.Dashboard.Http;

namespace OrleansML.Silo.Dashboard;

/// <summary>
/// Serves the Orleans Dashboard (the package's page, assets and JSON API, mapped at <c>/</c>) on
/// <see cref="OrleansDashboardOptions.Address"/>:<see cref="OrleansDashboardOptions.Port"/>, a
/// <see cref="BareKestrelServer"/> with routing. With a token configured every request must present it; a valid
/// <c>?token=</c> sets an HttpOnly, same-site cookie so that the page's own scripts, which send no header, are let in.
/// </summary>
internal sealed partial class OrleansDashboardEndpoint(
    IServiceProvider silo,
    OrleansDashboardServices forwarded,
    OrleansDashboardOptions options,
    ILogger<OrleansDashboardEndpoint> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>The cookie that carries the token after a <c>?token=</c> request.</summary>
    public const string Cookie = "orleansml-orleans-dashboard";

    /// <summary>Connections served at once: the page polls over a few, and its log view holds one open.</summary>
    private const int MaxConnections = 64;

    /// <summary>How long a stopping silo lets open dashboard requests finish: they only read.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly BearerToken? _token = options.Token is null ? null : new BearerToken(options.Token);
    private BareKestrelServer? _server;

    /// <summary>Binds the port (after the silo has started: the host starts hosted services in order).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Instances, not factories: the web application must not dispose what the silo's container owns.
        KeyValuePair<Type, object>[] instances = [.. forwarded.Types.Select(type => KeyValuePair.Create(type, silo.GetRequiredService(type)))];
        _server = await BareKestrelServer.StartAsync(
            options.Address,
            options.Port,
            server =>
            {
                server.Use(AuthorizeAsync);
                server.MapOrleansDashboard();
            },
            cancellationToken,
            MaxConnections,
            services =>
            {
                services.AddRouting();
                services.AddSingleton(silo.GetRequiredService<ILoggerFactory>());
                services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
                foreach ((Type type, object instance) in instances)
                {
                    services.AddSingleton(type, instance);
                }
            });
        LogListening(logger, options.Address, _server.Address.Port, _token is not null);
    }

    /// <summary>Stops serving, cutting off within <see cref="StopTimeout"/> what is still open.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
        {
            return;
        }

        // Kestrel waits for open requests until its token fires, and the package's log view streams for an hour:
        // left to the host's token, an open page would take the silo's whole shutdown budget from its grains.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StopTimeout);
        await _server.StopAsync(bounded.Token);
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task AuthorizeAsync(HttpContext context, RequestDelegate next)
    {
        if (_token is null)
        {
            await next(context);
            return;
        }

        if (!_token.IsPresentedBy(context.Request, Cookie))
        {
            await BearerToken.ChallengeAsync(context.Response,
                "the Orleans Dashboard requires its token: 'Authorization: Bearer <token>' or '?token=<token>'", context.RequestAborted);
            return;
        }

        if (_token.IsInQuery(context.Request))
        {
            // The page's address carries the token once; its scripts then send the cookie, never the token in a URL.
            context.Response.Cookies.Append(Cookie, context.Request.Query[BearerToken.QueryParameter].ToString(), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                Secure = context.Request.IsHttps,
            });
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
        }

        await next(context);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans Dashboard listening on http://{Address}:{Port}/ (token required: {RequiresToken})")]
    private static partial void LogListening(ILogger logger, System.Net.IPAddress address, int port, bool requiresToken);
}
