using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Membership;

/// <summary>
/// Decides which probes answer. A silo marked down fails every probe to or from it at once (like a killed
/// process whose port refuses connections); a blocked pair fails only in that direction. With
/// <see cref="HangInsteadOfFailing"/>, failed probes never complete and ignore their token, so only the
/// agent's own timeout can end them.
/// </summary>
public sealed class FakeNetwork
{
    private readonly object _gate = new();
    private readonly HashSet<SiloAddress> _down = [];
    private readonly HashSet<(SiloAddress From, SiloAddress To)> _blocked = [];
    private long _probes;

    public bool HangInsteadOfFailing { get; set; }

    public long Probes => Interlocked.Read(ref _probes);

    public void SetDown(SiloAddress silo, bool down)
    {
        lock (_gate)
        {
            _ = down ? _down.Add(silo) : _down.Remove(silo);
        }
    }

    public void Block(SiloAddress from, SiloAddress to, bool blocked)
    {
        lock (_gate)
        {
            _ = blocked ? _blocked.Add((from, to)) : _blocked.Remove((from, to));
        }
    }

    public ISiloProber ProberFor(SiloAddress from) => new Prober(this, from);

    private bool Answers(SiloAddress from, SiloAddress to)
    {
        lock (_gate)
        {
            return !_down.Contains(from) && !_down.Contains(to) && !_blocked.Contains((from, to));
        }
    }

    private sealed class Prober(FakeNetwork network, SiloAddress from) : ISiloProber
    {
        public Task<bool> ProbeAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref network._probes);
            if (network.Answers(from, target))
            {
                return Task.FromResult(true);
            }

            return network.HangInsteadOfFailing ? new TaskCompletionSource<bool>().Task : Task.FromResult(false);
        }
    }
}
