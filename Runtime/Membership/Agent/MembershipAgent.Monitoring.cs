using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OrleansML.Runtime.Membership;

/// <summary>The background loops, probing and self-fencing of <see cref="MembershipAgent"/>.</summary>
internal sealed partial class MembershipAgent
{
    private DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    private async Task RunLoopAsync(int loop, TimeSpan period, Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        try
        {
            Task due = Task.Delay(period, _time, cancellationToken);
            while (true)
            {
                await due;
                try
                {
                    await body(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A failed table read or write is retried on the next period; the loop itself never dies.
                    LogLoopFailed(LocalSilo, LoopNames[loop], ex);
                }

                // The next timer exists before the iteration is counted, so a test that waits for the count
                // and then moves its clock can never move it past a timer not yet armed.
                due = Task.Delay(period, _time, cancellationToken);
                Interlocked.Increment(ref _iterations[loop]);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by Leave, Dispose or self-fencing.
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        await _table.UpdateIAmAliveAsync(LocalSilo, _time.GetUtcNow(), cancellationToken);
    }

    private async Task RefreshLoopBodyAsync(CancellationToken cancellationToken)
    {
        await ReadAndPublishAsync(cancellationToken);
        DateTimeOffset now = _time.GetUtcNow();
        if (!IsDeclaredDead && now - _lastCleanup >= _options.DefunctSiloCleanupPeriod)
        {
            _lastCleanup = now;
            await _table.CleanupDefunctEntriesAsync(now - _options.DefunctSiloExpiration, cancellationToken);
        }
    }

    private async Task ProbeRoundAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SiloAddress> targets = ProbeTargetSelector.Select(Current.ActiveSilos, LocalSilo, _options.ProbedSilosCount);
        foreach (SiloAddress gone in _missedProbes.Keys.Except(targets).ToList())
        {
            _missedProbes.Remove(gone);
        }

        (SiloAddress Silo, bool Answered)[] results = await Task.WhenAll(targets.Select(async s => (s, await ProbeOnceAsync(s, cancellationToken))));
        foreach ((SiloAddress silo, bool answered) in results)
        {
            if (IsDeclaredDead)
            {
                return;
            }

            if (answered)
            {
                if (_missedProbes.Remove(silo))
                {
                    LogPeerAnswered(LocalSilo, silo);
                }
            }
            else
            {
                await RecordMissAsync(silo, cancellationToken);
            }
        }
    }

    /// <summary>Counts a missed probe and votes once the limit is reached; true when the peer is now Dead.</summary>
    private async Task<bool> RecordMissAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        int missed = _missedProbes.GetValueOrDefault(silo) + 1;
        _missedProbes[silo] = missed;
        LogProbeMissed(LocalSilo, silo, missed, _options.MissedProbesLimit);
        return missed >= _options.MissedProbesLimit && await TrySuspectOrKillAsync(silo, cancellationToken);
    }

    private async Task<bool> ProbeOnceAsync(SiloAddress target, CancellationToken cancellationToken)
    {
        _instruments.Add(_instruments.ProbesSent);
        bool answered;
        using var timeout = new CancellationTokenSource(_options.ProbeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // WaitAsync bounds the probe even if the prober ignores its token: a hung peer is missed, not awaited forever.
            answered = await _prober.ProbeAsync(target, _options.ProbeTimeout, linked.Token).WaitAsync(_options.ProbeTimeout, _time, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            answered = false;
        }
        catch (TimeoutException)
        {
            answered = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
        {
            LogProbeFailed(LocalSilo, target, ex.Message);
            answered = false;
        }

        if (!answered)
        {
            _instruments.Add(_instruments.ProbesFailed);
        }

        return answered;
    }

    private async Task<MembershipSnapshot> ReadAndPublishAsync(CancellationToken cancellationToken)
    {
        MembershipSnapshot snapshot = await _table.ReadAllAsync(cancellationToken);
        bool changed = false;
        lock (_snapshotGate)
        {
            // Reads can finish out of order; an older version never replaces a newer one.
            if (snapshot.Version >= _current.Version)
            {
                changed = snapshot.Version != _current.Version;
                Volatile.Write(ref _current, snapshot);
            }
        }

        if (changed)
        {
            RaiseChanged(snapshot);
        }

        CheckSelf(snapshot);
        return snapshot;
    }

    private void CheckSelf(MembershipSnapshot snapshot)
    {
        int state = Volatile.Read(ref _state);
        if (!_inserted || state is StateLeaving or StateStopped)
        {
            return;
        }

        MembershipEntry? self = snapshot.Find(LocalSilo);
        if (self is not null && self.Status != SiloStatus.Dead)
        {
            return;
        }

        if (Interlocked.Exchange(ref _declaredDead, 1) == 0)
        {
            // Self-fencing: stop every loop so this incarnation writes nothing more, then tell the host.
            LogSelfDead(LocalSilo, self?.Suspicions.Count ?? 0);
            Volatile.Write(ref _state, StateStopped);
            try
            {
                _loopsCancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Disposed concurrently: the loops are already stopped.
            }

            Debug.Assert(IsDeclaredDead);
            try
            {
                DeclaredDead?.Invoke();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogHandlerFailed(LocalSilo, nameof(DeclaredDead), ex);
            }
        }
    }

    private void RaiseChanged(MembershipSnapshot snapshot)
    {
        Action<MembershipSnapshot>? handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        foreach (Action<MembershipSnapshot> handler in handlers.GetInvocationList().Cast<Action<MembershipSnapshot>>())
        {
            try
            {
                handler(snapshot);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogHandlerFailed(LocalSilo, nameof(Changed), ex);
            }
        }
    }

    [LoggerMessage(20, LogLevel.Warning, "Silo {Silo}: membership {Loop} loop iteration failed; retrying next period")]
    private partial void LogLoopFailed(SiloAddress silo, string loop, Exception exception);

    [LoggerMessage(21, LogLevel.Information, "Silo {Silo}: {Peer} answered probes again")]
    private partial void LogPeerAnswered(SiloAddress silo, SiloAddress peer);

    [LoggerMessage(22, LogLevel.Warning, "Silo {Silo}: probe of {Peer} missed ({Missed} of {Limit} before a suspicion vote)")]
    private partial void LogProbeMissed(SiloAddress silo, SiloAddress peer, int missed, int limit);

    [LoggerMessage(23, LogLevel.Debug, "Silo {Silo}: probe of {Peer} failed: {Reason}")]
    private partial void LogProbeFailed(SiloAddress silo, SiloAddress peer, string reason);

    [LoggerMessage(28, LogLevel.Critical, "Silo {Silo} reads itself Dead in the membership table ({Votes} votes): stopping (self-fencing)")]
    private partial void LogSelfDead(SiloAddress silo, int votes);

    [LoggerMessage(29, LogLevel.Error, "Silo {Silo}: a {Event} handler threw")]
    private partial void LogHandlerFailed(SiloAddress silo, string @event, Exception exception);
}
