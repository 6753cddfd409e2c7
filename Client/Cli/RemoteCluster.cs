using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansML.Grains.Hosting.Database;
using OrleansML.Grains.Hosting.Transport;

namespace OrleansML.Cli;

/// <summary>Connects the CLI to a running cluster as an Orleans client (<c>UseOrleansClient</c> in a small host).</summary>
internal static class RemoteCluster
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a failed first connection, and the pause before each.</summary>
    private const int ConnectRetries = 2;
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <exception cref="CliException">PostgreSQL is misconfigured (exit 2), or nothing answers (exit 3).</exception>
    public static async Task<ClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        if (target.PostgreSqlConnectionString is string connectionString)
        {
            await CheckDatabaseAsync(connectionString, cancellationToken);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(
        [
            new("Orleans:ClusterId", target.ClusterId),
            new("Orleans:ServiceId", target.ServiceId),
        ]);
        builder.UseOrleansClient(client =>
        {
            // Carries the caller's trace context into the grains (docs/telemetry.md).
            client.AddActivityPropagation();
            if (target.PostgreSqlConnectionString is string postgres)
            {
                client.UseAdoNetClustering(options =>
                {
                    options.Invariant = target.Invariant!;
                    options.ConnectionString = postgres;
                });
            }
            else
            {
                client.UseStaticClustering([.. target.Gateways]);
            }

            if (target.Tls is not null)
            {
                client.UseTls(target.Tls);
            }

            client.UseOrleansMLTransport(builder.Configuration);

            // Orleans' default filter retries a failed first connection for as long as the start is allowed to take;
            // a command-line user is better served by a prompt answer (a silo that is still starting gets two retries).
            int attempts = 0;
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                if (++attempts > ConnectRetries)
                {
                    return false;
                }

                await Task.Delay(ConnectRetryDelay, ct);
                return true;
            });
        });
        builder.Services.AddOrleansMLClient();
        IHost host = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await host.StartAsync(timeout.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            string reason = exception switch
            {
                OperationCanceledException => $"no gateway answered within {ConnectTimeout.TotalSeconds:0} s",
                SiloUnavailableException when target.PostgreSqlConnectionString is not null && exception.Message.Contains("Could not find any gateway", StringComparison.Ordinal)
                    => $"no silo of cluster '{target.ClusterId}' is active (PostgreSQL lists no gateway for it; check --cluster-id / Orleans:ClusterId and that the silos run)",
                _ => Reason(exception),
            };
            throw new CliException(ExitCodes.ClusterUnreachable, $"cannot reach the {target}: {reason}", exception);
        }

        return new ClusterSession(host.Services.GetRequiredService<OrleansMLClient>(), target.ToString(), embedded: false, new HostLifetime(host));
    }

    /// <summary>Checks the PostgreSQL the cluster lists its gateways in: reachable, logged in, schema present.</summary>
    private static async Task CheckDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await PostgreSqlSchema.RequireCompleteAsync(connectionString, cancellationToken);
        }
        catch (DatabaseConfigurationException exception)
        {
            int code = exception.Problem == DatabaseProblem.ServerUnreachable ? ExitCodes.ClusterUnreachable : ExitCodes.BadUsage;
            throw new CliException(code, $"the cluster's PostgreSQL (--postgres, ORLEANSML_POSTGRES or Orleans:Clustering:ConnectionString): {exception.Message}", exception);
        }
    }

    /// <summary>The innermost message: Orleans wraps connection failures.</summary>
    private static string Reason(Exception exception)
    {
        Exception inner = exception;
        while (inner.InnerException is Exception next)
        {
            inner = next;
        }

        return inner.Message;
    }

    /// <summary>Stops and disposes a host when the session ends.</summary>
    private sealed class HostLifetime(IHost host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await host.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Closing a client connection is best effort; the silos notice the gateway connection drop.
            }

            host.Dispose();
        }
    }
}
