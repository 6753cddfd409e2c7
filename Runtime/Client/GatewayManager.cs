using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Client;

/// <summary>
/// Which gateway a client uses. The choice is sticky (all calls go through one gateway, so per-caller
/// ordering holds) until that gateway fails; a failed gateway is then avoided for
/// <see cref="ClusterClientOptions.FailedGatewayQuarantine"/> unless no other gateway is listed.
/// </summary>
internal sealed partial class GatewayManager(IGatewayListProvider provider, ClusterClientOptions options, TimeProvider time, ILogger logger)
{
    private readonly object _gate = new();
    private readonly Dictionary<SiloAddress, DateTimeOffset> _failed = []; // Guarded by _gate: gateway → when it failed.
    private IReadOnlyList<GatewayAddress> _gateways = []; // Guarded by _gate.
    private SiloAddress? _current; // Guarded by _gate.

    /// <summary>Raised with the new list after each read (the transport must know every gateway's endpoint).</summary>
    public event Action<IReadOnlyList<GatewayAddress>>? ListChanged;

    public SiloAddress? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Re-reads the list from its source.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<GatewayAddress> gateways = await provider.GetGatewaysAsync(cancellationToken);
        lock (_gate)
        {
            _gateways = gateways;
            DateTimeOffset expired = time.GetUtcNow() - options.FailedGatewayQuarantine;
            foreach (SiloAddress silo in _failed.Where(f => f.Value < expired).Select(f => f.Key).ToList())
            {
                _failed.Remove(silo);
            }

            if (_current is not null && !gateways.Any(g => g.Silo == _current))
            {
                _current = null; // No longer an Active gateway (stopped, or declared dead).
            }
        }

        ListChanged?.Invoke(gateways);
    }

    /// <summary>
    /// The gateway to use now: the current one, else a random healthy one (spreading clients), else a random
    /// quarantined one, else null (the list is empty). <paramref name="exclude"/> lists gateways this call already failed to reach.
    /// </summary>
    public SiloAddress? Choose(IReadOnlyCollection<SiloAddress>? exclude = null)
    {
        lock (_gate)
        {
            if (_current is not null && (exclude is null || !exclude.Contains(_current)))
            {
                return _current;
            }

            List<GatewayAddress> candidates = [.. _gateways.Where(g => exclude is null || !exclude.Contains(g.Silo))];
            List<GatewayAddress> healthy = [.. candidates.Where(g => !_failed.ContainsKey(g.Silo))];
            List<GatewayAddress> pool = healthy.Count > 0 ? healthy : candidates;
            if (pool.Count == 0)
            {
                return null;
            }

            _current = pool[Random.Shared.Next(pool.Count)].Silo;
            LogChosen(logger, _current);
            return _current;
        }
    }

    /// <summary>Records that <paramref name="gateway"/> failed: it stops being current and is quarantined.</summary>
    public void MarkFailed(SiloAddress gateway, string reason)
    {
        lock (_gate)
        {
            _failed[gateway] = time.GetUtcNow();
            if (_current == gateway)
            {
                _current = null;
            }
        }

        LogFailed(logger, gateway, reason);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Client calls now go through gateway {Gateway}")]
    private static partial void LogChosen(ILogger logger, SiloAddress gateway);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Gateway {Gateway} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, SiloAddress gateway, string reason);
}
