using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Core.Doubles;

/// <summary>
/// A membership agent over <see cref="TestMembershipOracle"/> with a simple failure detector: every
/// <see cref="ProbePeriod"/> it pings each other live silo through the runtime's <see cref="ISiloProber"/>
/// and declares a silo Dead after <see cref="MissesToDeclareDead"/> consecutive missed probes.
/// </summary>
#pragma warning disable CA1001 // the stop source is cancelled, never disposed: DisposeAsync may run twice.
public sealed class TestMembershipAgent : IMembershipAgent, IAsyncDisposable
{
    private readonly TestMembershipOracle _oracle;
    private readonly ILocalSiloDetails _local;
    private readonly ISiloProber _prober;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<SiloAddress, int> _misses = [];
    private Task? _probing;
    private int _stopped;

    public TestMembershipAgent(TestMembershipOracle oracle, ILocalSiloDetails local, ISiloProber prober)
    {
        _oracle = oracle;
        _local = local;
        _prober = prober;
        _oracle.Changed += OnOracleChanged;
    }

    public TimeSpan ProbePeriod { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public int MissesToDeclareDead { get; init; } = 3;

    public SiloAddress LocalSilo => _local.SiloAddress;

    public MembershipSnapshot Current => _oracle.Snapshot;

    public event Action<MembershipSnapshot>? Changed;

    public event Action? DeclaredDead;

    public Task JoinAsync(string siloName, int gatewayPort, CancellationToken cancellationToken)
    {
        _oracle.SetStatus(LocalSilo, SiloStatus.Joining, siloName);
        _oracle.SetStatus(LocalSilo, SiloStatus.Active);
        _probing = ProbeLoopAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        _oracle.SetStatus(LocalSilo, SiloStatus.ShuttingDown);
        await StopAsync();
        _oracle.SetStatus(LocalSilo, SiloStatus.Dead);
    }

    public Task RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnOracleChanged(MembershipSnapshot snapshot)
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        // The contract raises Changed on a thread-pool thread, never on the writer's.
        _ = Task.Run(() =>
        {
            Changed?.Invoke(snapshot);
            if (snapshot.Find(LocalSilo)?.Status == SiloStatus.Dead && !_stop.IsCancellationRequested)
            {
                DeclaredDead?.Invoke();
            }
        });
    }

    private async Task ProbeLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProbePeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (MembershipEntry peer in Current.Entries)
                {
                    if (peer.Silo == LocalSilo || peer.Status is not (SiloStatus.Active or SiloStatus.Joining))
                    {
                        continue;
                    }

                    bool alive = await _prober.ProbeAsync(peer.Silo, ProbeTimeout, cancellationToken);
                    int misses = alive ? 0 : _misses.GetValueOrDefault(peer.Silo) + 1;
                    _misses[peer.Silo] = misses;
                    if (misses >= MissesToDeclareDead && !cancellationToken.IsCancellationRequested)
                    {
                        _oracle.SetStatus(peer.Silo, SiloStatus.Dead);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StopAsync()
    {
        _oracle.Changed -= OnOracleChanged;
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        if (_probing is not null)
        {
            await _probing;
        }
    }

    // Idempotent: the container disposes it once per registration that hands it out (agent and view).
    public async ValueTask DisposeAsync() => await StopAsync();
}
#pragma warning restore CA1001
