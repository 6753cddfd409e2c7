using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansML.Runtime.Membership;

/// <summary>
/// A silo's membership agent. It joins (Joining → probe the active silos → Active), then runs three
/// background loops until it leaves, is disposed, or reads itself Dead: heartbeats (IAmAlive), table
/// refreshes (raising <see cref="Changed"/>) and probes of the next silos on the hash ring, whose missed
/// probes turn into expiring suspicion votes and, at a quorum, into a Dead status written with the
/// deciding vote. Every table write is a compare-and-swap on the table version; a conflict re-reads the
/// table and re-evaluates.
/// </summary>
/// <remarks>
/// Invariants: the agent never writes a Dead row back to another status; once it has seen itself Dead it
/// writes nothing more (self-fencing) and raises <see cref="DeclaredDead"/> exactly once. A silo's address
/// exists only once its transport has bound, after the container built the agent, so the hosting wiring
/// passes a function (reading <c>ILocalSiloDetails</c>) that is first called by <see cref="JoinAsync"/>.
/// Disposal is idempotent: a container disposes the agent once per registration that hands it out.
/// </remarks>
internal sealed partial class MembershipAgent : IMembershipAgent, IAsyncDisposable
{
    private const int StateCreated = 0, StateJoining = 1, StateActive = 2, StateLeaving = 3, StateStopped = 4;

    private readonly IMembershipTable _table;
    private readonly ISiloProber _prober;
    private readonly MembershipOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MembershipInstruments _instruments;
    private readonly object _snapshotGate = new();

    // Missed-probe counts per peer: touched by the join's probing and then by the probe loop, never both at once.
    private readonly Dictionary<SiloAddress, int> _missedProbes = [];
    private readonly CancellationTokenSource _loopsCancellation = new();
    private MembershipSnapshot _current = new(0, []);
    private Task _loops = Task.CompletedTask;
    private int _state = StateCreated;
    private int _declaredDead;
    private volatile bool _inserted;
    private static readonly string[] LoopNames = ["heartbeat", "refresh", "probe"];
    private const int HeartbeatLoop = 0, RefreshLoop = 1, ProbeLoop = 2;

    // Completed iterations per loop (test accessors below).
    private readonly long[] _iterations = new long[3];

    private readonly Func<SiloAddress> _resolveLocalSilo;
    private SiloAddress? _localSilo;
    private int _disposed;

    /// <summary>Creates an agent for a silo whose address is already known.</summary>
    public MembershipAgent(SiloAddress localSilo, IMembershipTable table, ISiloProber prober, IOptions<MembershipOptions> options,
        TimeProvider timeProvider, ILogger<MembershipAgent> logger, IMeterFactory? meterFactory = null)
        : this(AddressOf(localSilo), table, prober, options, timeProvider, logger, meterFactory)
    {
    }

    /// <summary>Creates an agent that reads its silo's address when it first needs it (at the join).</summary>
    public MembershipAgent(Func<SiloAddress> localSilo, IMembershipTable table, ISiloProber prober, IOptions<MembershipOptions> options,
        TimeProvider timeProvider, ILogger<MembershipAgent> logger, IMeterFactory? meterFactory = null)
    {
        _resolveLocalSilo = localSilo ?? throw new ArgumentNullException(nameof(localSilo));
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _prober = prober ?? throw new ArgumentNullException(nameof(prober));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
        _options.Validate();
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _instruments = new MembershipInstruments(() => LocalSilo, meterFactory);
    }

    public SiloAddress LocalSilo => Volatile.Read(ref _localSilo) ?? ResolveLocalSilo();

    public MembershipSnapshot Current => Volatile.Read(ref _current);

    public event Action<MembershipSnapshot>? Changed;

    public event Action? DeclaredDead;

    /// <summary>True once this silo has read itself Dead (or its row vanished) and fenced itself.</summary>
    internal bool IsDeclaredDead => Volatile.Read(ref _declaredDead) == 1;

    /// <summary>Completed probe rounds (test accessor: lets fake-time tests wait for a round to finish).</summary>
    internal long ProbeRoundsCompleted => Interlocked.Read(ref _iterations[ProbeLoop]);

    /// <summary>Completed periodic table refreshes (test accessor).</summary>
    internal long RefreshesCompleted => Interlocked.Read(ref _iterations[RefreshLoop]);

    /// <summary>Completed heartbeats (test accessor).</summary>
    internal long HeartbeatsCompleted => Interlocked.Read(ref _iterations[HeartbeatLoop]);

    public async Task RefreshAsync(CancellationToken cancellationToken) => await ReadAndPublishAsync(cancellationToken);

    public async Task JoinAsync(string siloName, int gatewayPort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(siloName);
        ArgumentOutOfRangeException.ThrowIfNegative(gatewayPort);
        if (Interlocked.CompareExchange(ref _state, StateJoining, StateCreated) != StateCreated)
        {
            throw new InvalidOperationException($"Silo {LocalSilo} has already joined (or left): JoinAsync may be called once per agent.");
        }

        DateTimeOffset started = _time.GetUtcNow();
        LogJoining(LocalSilo);
        try
        {
            await InsertSelfAsync(siloName, gatewayPort, started, cancellationToken);
            await ProbeActiveSilosBeforeJoiningAsync(started + _options.JoinTimeout, cancellationToken);
            if (!await UpdateSelfStatusAsync(SiloStatus.Active, cancellationToken))
            {
                throw new ClusterJoinException($"Silo {LocalSilo} was declared dead by other silos while it was joining.", null);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await AbandonJoinAsync();
            if (ex is ClusterJoinException)
            {
                throw;
            }

            throw new ClusterJoinException($"Silo {LocalSilo} could not join the cluster: the membership table could not be read or written ({ex.GetType().Name}: {ex.Message}).", ex);
        }
        catch
        {
            await AbandonJoinAsync();
            throw;
        }

        if (Interlocked.CompareExchange(ref _state, StateActive, StateJoining) == StateJoining)
        {
            CancellationToken loops = _loopsCancellation.Token;
            _loops = Task.WhenAll(
                RunLoopAsync(HeartbeatLoop, _options.IAmAlivePeriod, HeartbeatAsync, loops),
                RunLoopAsync(RefreshLoop, _options.TableRefreshPeriod, RefreshLoopBodyAsync, loops),
                RunLoopAsync(ProbeLoop, _options.ProbePeriod, ProbeRoundAsync, loops));
            LogJoined(LocalSilo, Current.Version);
        }
    }

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        int previous = Interlocked.Exchange(ref _state, StateLeaving);
        if (previous is StateCreated or StateStopped || IsDeclaredDead)
        {
            Volatile.Write(ref _state, StateStopped);
            return;
        }

        await StopLoopsAsync();
        LogLeaving(LocalSilo);
        if (await UpdateSelfStatusAsync(SiloStatus.ShuttingDown, cancellationToken))
        {
            await UpdateSelfStatusAsync(SiloStatus.Dead, cancellationToken);
        }

        Volatile.Write(ref _state, StateStopped);
        LogLeft(LocalSilo);
    }

    /// <summary>Stops the loops without writing to the table (an abrupt stop; the others will detect it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Volatile.Write(ref _state, StateStopped);
        await StopLoopsAsync();
        _loopsCancellation.Dispose();
        _instruments.Dispose();
    }

    private static Func<SiloAddress> AddressOf(SiloAddress localSilo)
    {
        ArgumentNullException.ThrowIfNull(localSilo);
        return () => localSilo;
    }

    private SiloAddress ResolveLocalSilo()
    {
        SiloAddress address = _resolveLocalSilo() ?? throw new InvalidOperationException("The membership agent's silo address resolved to null.");
        SiloAddress? previous = Interlocked.CompareExchange(ref _localSilo, address, null);
        Debug.Assert(previous is null || previous == address, "a silo's address never changes");
        return previous ?? address;
    }

    private async Task InsertSelfAsync(string siloName, int gatewayPort, DateTimeOffset started, CancellationToken cancellationToken)
    {
        await _table.InitializeAsync(cancellationToken);
        for (int attempt = 1; attempt <= _options.TableWriteAttempts; attempt++)
        {
            MembershipSnapshot snapshot = await ReadAndPublishAsync(cancellationToken);
            if (snapshot.Find(LocalSilo) is not null)
            {
                // Generations are unique per start, so a row already present is a configuration error, never ours to reuse.
                throw new ClusterJoinException($"Silo {LocalSilo} is already in the membership table: a silo incarnation joins once (restart with a new generation).", null);
            }

            var entry = new MembershipEntry
            {
                Silo = LocalSilo,
                Status = SiloStatus.Joining,
                SiloName = siloName,
                HostName = Environment.MachineName,
                GatewayPort = gatewayPort,
                StartTime = started,
                IAmAliveTime = _time.GetUtcNow(),
            };
            if (await _table.InsertAsync(entry, snapshot.Version, cancellationToken))
            {
                _inserted = true;
                await ReadAndPublishAsync(cancellationToken);
                return;
            }

            LogWriteConflict(LocalSilo, "insert", snapshot.Version);
        }

        throw new ClusterJoinException($"Silo {LocalSilo} could not insert itself: the table version changed on each of {_options.TableWriteAttempts} attempts (MembershipOptions.TableWriteAttempts).", null);
    }

    private async Task ProbeActiveSilosBeforeJoiningAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        HashSet<SiloAddress> pending = [.. Current.ActiveSilos.Where(s => s != LocalSilo)];
        while (true)
        {
            if (IsDeclaredDead)
            {
                throw new ClusterJoinException($"Silo {LocalSilo} was declared dead by other silos while it was joining.", null);
            }

            pending.RemoveWhere(s => Current.Find(s) is not { Status: SiloStatus.Active or SiloStatus.ShuttingDown });
            (SiloAddress Silo, bool Answered)[] results = await Task.WhenAll(pending.Select(async s => (s, await ProbeOnceAsync(s, cancellationToken))));
            foreach ((SiloAddress silo, bool answered) in results)
            {
                if (answered)
                {
                    pending.Remove(silo);
                    continue;
                }

                // A joiner never votes. It may be the one at fault (a wrong cluster secret, a firewall), and in a
                // small cluster one vote is a quorum: its votes could kill healthy members. A member that really
                // died is detected by the other members; the join waits for that (or for JoinTimeout).
                int missed = _missedProbes.GetValueOrDefault(silo) + 1;
                _missedProbes[silo] = missed;
                LogProbeMissed(LocalSilo, silo, missed, _options.MissedProbesLimit);
            }

            if (pending.Count == 0)
            {
                return;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new ClusterJoinException(
                    $"Silo {LocalSilo} could not join: active silo(s) {string.Join(", ", pending)} neither answered probes nor were declared dead within MembershipOptions.JoinTimeout ({_options.JoinTimeout}).", null);
            }

            await Task.Delay(_options.ProbePeriod, _time, cancellationToken);
            await ReadAndPublishAsync(cancellationToken);
        }
    }

    private async Task AbandonJoinAsync()
    {
        Volatile.Write(ref _state, StateStopped);
        if (!_inserted || IsDeclaredDead)
        {
            return;
        }

        try
        {
            // A half-joined row would be probed and voted on by everyone; writing it Dead removes it at once.
            using var bounded = new CancellationTokenSource(_options.ProbeTimeout * 4, _time);
            await UpdateSelfStatusAsync(SiloStatus.Dead, bounded.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAbandonFailed(LocalSilo, ex);
        }
    }

    private async Task StopLoopsAsync()
    {
        try
        {
            await _loopsCancellation.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
            // The loops end by cancellation; nothing else to report.
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Silo {Silo} is joining the cluster")]
    private partial void LogJoining(SiloAddress silo);

    [LoggerMessage(2, LogLevel.Information, "Silo {Silo} is active (table version {Version})")]
    private partial void LogJoined(SiloAddress silo, long version);

    [LoggerMessage(3, LogLevel.Information, "Silo {Silo} is leaving the cluster")]
    private partial void LogLeaving(SiloAddress silo);

    [LoggerMessage(4, LogLevel.Information, "Silo {Silo} has left the cluster")]
    private partial void LogLeft(SiloAddress silo);

    [LoggerMessage(5, LogLevel.Debug, "Silo {Silo}: {Operation} lost a version race at version {Version}; re-reading")]
    private partial void LogWriteConflict(SiloAddress silo, string operation, long version);

    [LoggerMessage(6, LogLevel.Warning, "Silo {Silo} could not mark its abandoned join Dead")]
    private partial void LogAbandonFailed(SiloAddress silo, Exception exception);
}
