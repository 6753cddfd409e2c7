using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Timers;

namespace OrleansML.Runtime.Activation;

/// <summary>Activation, deactivation and the rest of <see cref="IGrainContext"/>.</summary>
internal sealed partial class ActivationData
{
    /// <summary>
    /// Registers in the directory first and constructs the grain only if this activation won, so that
    /// concurrent first calls from many silos construct exactly one grain. A loser forwards its queue to
    /// the winner without ever constructing anything.
    /// </summary>
    public async Task ActivateAsync()
    {
        using var timeout = new CancellationTokenSource(_shared.Options.ActivationTimeout, _shared.Time);
        try
        {
            RegisteredOwner = _shared.Directory.GetOwner(GrainId);
            GrainAddress winner = await _shared.Directory.RegisterAsync(Address, timeout.Token);
            if (winner.ActivationId != Address.ActivationId)
            {
                LogDuplicate(_shared.Logger, GrainId, winner.Silo);
                foreach (Message message in Invalidate())
                {
                    _ = _shared.RuntimeClient.ForwardAsync(message, winner.Silo, "another activation registered first");
                }

                return;
            }

            lock (_gate)
            {
                State = ActivationState.Activating;
            }

            await RunOnScheduler(() => ConstructAndActivateAsync(timeout.Token))
                .WaitAsync(_shared.Options.ActivationTimeout, _shared.Time);
            lock (_gate)
            {
                State = ActivationState.Valid;
                Pump();
            }

            _shared.Metrics.ActivationsCreated.Add(1);
            _shared.Metrics.ActivationsActive.Add(1);
            LogActivated(_shared.Logger, GrainId, Address.Silo);
            if (_catalog.IsStopping)
            {
                RequestDeactivation(DeactivationReason.ShuttingDown);
            }
        }
        catch (Exception e)
        {
            LogActivationFailed(_shared.Logger, GrainId, e);
            string reason = e is TimeoutException
                ? $"{GrainId} did not activate within SiloOptions.ActivationTimeout ({_shared.Options.ActivationTimeout})."
                : $"{GrainId} failed to activate: {e.GetType().Name}: {e.Message}";
            foreach (Message message in Invalidate())
            {
                _shared.MessageCenter.SendRejection(message.Header, e is SiloUnavailableException ? RejectionKind.SiloUnavailable : RejectionKind.ActivationFailed, reason);
            }

            await UnregisterQuietlyAsync();
        }
    }

    private async Task ConstructAndActivateAsync(CancellationToken cancellationToken)
    {
        _grain = GrainClass.Activator(_shared.Services, this);
        foreach (Func<CancellationToken, Task> load in _stateLoaders)
        {
            await load(cancellationToken);
        }

        await _grain.OnActivateAsync(cancellationToken);
    }

    /// <summary>Asks for deactivation once running turns end (idempotent).</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        bool deactivateNow = false;
        lock (_gate)
        {
            if (State != ActivationState.Valid || _deactivationRequested)
            {
                return;
            }

            _deactivationRequested = true;
            _deactivationReason = reason;
            if (_running.Count == 0)
            {
                State = ActivationState.Deactivating;
                deactivateNow = true;
            }
        }

        if (deactivateNow)
        {
            _ = DeactivateAsync();
        }
    }

    private async Task DeactivateAsync()
    {
        LogDeactivating(_shared.Logger, GrainId, _deactivationReason);
        foreach (GrainTimer timer in TakeTimers())
        {
            timer.Dispose();
        }

        if (_shared.MessageCenter.IsStopped)
        {
            Invalidate();
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_shared.Options.DeactivationTimeout, _shared.Time);
            await RunOnScheduler(() => _grain!.OnDeactivateAsync(_deactivationReason, timeout.Token))
                .WaitAsync(_shared.Options.DeactivationTimeout, _shared.Time);
        }
        catch (Exception e)
        {
            LogDeactivateFailed(_shared.Logger, GrainId, e);
        }

        await UnregisterQuietlyAsync();
        _shared.Metrics.ActivationsActive.Add(-1);
        foreach (Message message in Invalidate())
        {
            _ = _shared.RuntimeClient.ForwardAsync(message, null, $"the activation deactivated ({_deactivationReason})");
        }
    }

    /// <summary>Drops the activation without running grain code (kill): timers stop, queued requests are discarded.</summary>
    public void Abort()
    {
        foreach (GrainTimer timer in TakeTimers())
        {
            timer.Dispose();
        }

        Invalidate();
    }

    /// <summary>Re-registers with a new directory owner after a ring change; deactivates if another activation won meanwhile.</summary>
    public async Task ReRegisterIfOwnerChangedAsync(CancellationToken cancellationToken)
    {
        SiloAddress? owner = _shared.Directory.GetOwner(GrainId);
        if (State != ActivationState.Valid || owner is null || owner == RegisteredOwner)
        {
            return;
        }

        RegisteredOwner = owner;
        GrainAddress winner = await _shared.Directory.RegisterAsync(Address, cancellationToken);
        if (winner.ActivationId != Address.ActivationId)
        {
            LogDuplicate(_shared.Logger, GrainId, winner.Silo);
            RequestDeactivation(DeactivationReason.DuplicateActivation);
        }
    }

    /// <summary>Marks the activation Invalid, removes it from the catalog and returns the requests it never ran.</summary>
    private List<Message> Invalidate()
    {
        List<Message> leftover;
        lock (_gate)
        {
            State = ActivationState.Invalid;
            leftover = [.. _waiting.Where(w => w.Message is not null).Select(w => w.Message!)];
            _waiting.Clear();
        }

        _catalog.Remove(this);
        _deactivated.TrySetResult();
        return leftover;
    }

    private async Task UnregisterQuietlyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_shared.Options.DeactivationTimeout, _shared.Time);
            await _shared.Directory.UnregisterAsync(Address, timeout.Token);
        }
        catch (Exception e) when (e is SiloUnavailableException or GrainCallRejectedException or TimeoutException or OperationCanceledException)
        {
            // The entry dies with its owner or is replaced by the next registration (entries of dead activations are overwritten).
            LogUnregisterFailed(_shared.Logger, GrainId, e.Message);
        }
    }

    public void DeactivateOnIdle() => RequestDeactivation(DeactivationReason.Requested);

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, dueTime, period, _shared.Time);
        lock (_gate)
        {
            if (State is ActivationState.Deactivating or ActivationState.Invalid)
            {
                timer.Dispose();
                throw new InvalidOperationException($"{GrainId} is deactivating and cannot register timers.");
            }

            _timers.Add(timer);
        }

        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private List<GrainTimer> TakeTimers()
    {
        lock (_gate)
        {
            List<GrainTimer> timers = [.. _timers];
            _timers.Clear();
            return timers;
        }
    }

    public Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken) =>
        _shared.Reminders.RegisterOrUpdateAsync(GrainId, GrainClass, reminderName, dueTime, period, cancellationToken);

    public Task UnregisterReminderAsync(string reminderName, CancellationToken cancellationToken) =>
        _shared.Reminders.UnregisterAsync(GrainId, reminderName, cancellationToken);

    public IPersistentState<TState> GetPersistentState<TState>(string stateName, string storageName) where TState : new()
    {
        if (State != ActivationState.Activating)
        {
            throw new InvalidOperationException("Persistent state is declared by grain constructor parameters, which the runtime resolves while activating the grain.");
        }

        IPersistentState<TState> state = _shared.StateFactory.Create<TState>(this, stateName, storageName);
        _stateLoaders.Add(state.ReadStateAsync);
        return state;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activated {Grain} on {Silo}")]
    private static partial void LogActivated(ILogger logger, GrainId grain, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Grain} is already active on {Winner}; this activation forwards to it")]
    private static partial void LogDuplicate(ILogger logger, GrainId grain, SiloAddress winner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation of {Grain} failed")]
    private static partial void LogActivationFailed(ILogger logger, GrainId grain, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deactivating {Grain}: {Reason}")]
    private static partial void LogDeactivating(ILogger logger, GrainId grain, DeactivationReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OnDeactivateAsync of {Grain} failed")]
    private static partial void LogDeactivateFailed(ILogger logger, GrainId grain, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not unregister {Grain}: {Reason}")]
    private static partial void LogUnregisterFailed(ILogger logger, GrainId grain, string reason);
}
