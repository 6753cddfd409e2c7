using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// A transport in client mode: it listens nowhere and connects only to gateways, which the client's gateway
/// list decides. The cluster client needs only this, not a particular transport class.
/// </summary>
internal interface IClientTransport : ITransport
{
    /// <summary>The gateways silos serve clients on (replaces the previous list).</summary>
    void SetGateways(IEnumerable<GatewayAddress> gateways);

    /// <summary>
    /// Opens (or reuses) the authenticated connection to <paramref name="silo"/>'s gateway without sending a
    /// frame, so a refused connect can safely try another gateway before any call is sent.
    /// </summary>
    Task EnsureConnectedAsync(SiloAddress silo, CancellationToken cancellationToken);
}
