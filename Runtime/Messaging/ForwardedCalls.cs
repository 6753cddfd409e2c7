using System.Collections.Concurrent;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Requests this silo forwarded and whose callers may still be waiting. The caller only knows the silo it
/// sent to (this one), so if the silo a request was forwarded to dies, this silo tells the caller, with a
/// <see cref="RejectionKind.SiloUnavailable"/> rejection, instead of leaving it to its timeout. Entries
/// live until the request's deadline; a rejection for a call that already ended is dropped by the caller.
/// </summary>
internal sealed class ForwardedCalls(TimeProvider time)
{
    /// <summary>Entries above which expired ones are swept on insertion (forwards are rare; this bounds memory).</summary>
    private const int SweepThreshold = 1024;

    private readonly ConcurrentDictionary<(string Caller, long CallId), (SiloAddress Target, MessageHeader Header)> _calls = new();

    public int Count => _calls.Count;

    public void Record(MessageHeader request, SiloAddress target)
    {
        if (request.Direction == MessageDirection.OneWay || request.DeadlineUtcTicks == 0)
        {
            return;
        }

        // A client's call ids are its own: key them by the client, not by the gateway that relays them.
        string caller = request.SendingClient is not null ? $"client:{request.SendingClient}" : request.SendingSilo?.ToString() ?? "";
        _calls[(caller, request.CallId)] = (target, request);
        if (_calls.Count > SweepThreshold)
        {
            Sweep();
        }
    }

    /// <summary>Removes and returns the live forwarded requests that went to <paramref name="silo"/>.</summary>
    public List<MessageHeader> TakeForwardedTo(SiloAddress silo)
    {
        Sweep();
        var taken = new List<MessageHeader>();
        foreach (KeyValuePair<(string, long), (SiloAddress Target, MessageHeader Header)> entry in _calls)
        {
            if (entry.Value.Target == silo && _calls.TryRemove(entry.Key, out _))
            {
                taken.Add(entry.Value.Header);
            }
        }

        return taken;
    }

    private void Sweep()
    {
        long now = time.GetUtcNow().UtcTicks;
        foreach (KeyValuePair<(string, long), (SiloAddress Target, MessageHeader Header)> entry in _calls)
        {
            if (entry.Value.Header.DeadlineUtcTicks < now)
            {
                _calls.TryRemove(entry.Key, out _);
            }
        }
    }
}
