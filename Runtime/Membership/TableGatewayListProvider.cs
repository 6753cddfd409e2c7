namespace OrleansML.Runtime.Membership;

/// <summary>
/// Lists gateways from any membership table: the Active silos with a gateway port, in a stable order.
/// Clients call it when they start and whenever their gateway fails; it reads the table each time.
/// </summary>
internal sealed class TableGatewayListProvider(IMembershipTable table) : IGatewayListProvider
{
    private readonly IMembershipTable _table = table ?? throw new ArgumentNullException(nameof(table));

    public async Task<IReadOnlyList<GatewayAddress>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        MembershipSnapshot snapshot = await _table.ReadAllAsync(cancellationToken);
        return [.. snapshot.Entries
            .Where(e => e.Status == SiloStatus.Active && e.GatewayPort > 0)
            .OrderBy(e => e.Silo, Comparer<SiloAddress>.Create(SiloAddress.Compare))
            .Select(e => new GatewayAddress(e.Silo, e.GatewayPort))];
    }
}
