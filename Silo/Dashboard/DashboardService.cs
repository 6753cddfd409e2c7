using Microsoft.Extensions.Logging;
using OrleansML.Client;
using OrleansML.Dashboard;

namespace OrleansML.Silo.Dashboard;

/// <summary>Runs the training page inside the silo host, reading jobs through the silo's own grain factory.</summary>
internal sealed class DashboardService(IGrainFactory grains, DashboardOptions options, ILogger<DashboardServer> logger, TimeProvider? time = null) : IHostedService, IAsyncDisposable
{
    private readonly DashboardServer _server = new(new OrleansMLClient(grains), options, logger, time);

    /// <summary>Binds the port (after the silo has started: the host starts hosted services in order).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
