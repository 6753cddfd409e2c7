using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Client;

/// <summary>A fixed gateway list (<see cref="ClusterClientOptions.StaticGateways"/>).</summary>
internal sealed class StaticGatewayListProvider(IReadOnlyList<GatewayAddress> gateways) : IGatewayListProvider
{
    public Task<IReadOnlyList<GatewayAddress>> GetGatewaysAsync(CancellationToken cancellationToken) => Task.FromResult(gateways);
}
