namespace OrleansML.Runtime.Client;

/// <summary>
/// A connection to a cluster from outside it: grain references made here send their calls through one
/// gateway silo at a time. Calls are at-most-once: when the gateway fails, the calls in flight through it
/// fail with <see cref="SiloUnavailableException"/> (they may or may not have run) and the next call goes
/// through another gateway.
/// </summary>
public interface IClusterClient : IGrainFactory, IAsyncDisposable
{
    /// <summary>This client's identity on its connections.</summary>
    string ClientId { get; }

    /// <summary>The gateway calls currently go through (null before connecting, or after it failed).</summary>
    SiloAddress? Gateway { get; }

    /// <summary>Connects to a gateway (authenticated), trying each listed gateway for
    /// <see cref="ClusterClientOptions.ConnectAttempts"/> rounds. Calling it again once connected does nothing.</summary>
    /// <exception cref="SiloUnavailableException">No gateway could be reached.</exception>
    Task ConnectAsync(CancellationToken cancellationToken = default);
}
