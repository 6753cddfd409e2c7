using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Messaging;

namespace OrleansML.Runtime.Activation;

/// <summary>
/// The activations of this silo, by grain id: at most one per grain per silo. Delivers each incoming
/// request to its activation, creating one on first use; the directory then decides whether it stays.
/// </summary>
internal sealed partial class Catalog(ActivationServices shared, ILogger<Catalog> logger)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private volatile bool _stopping;

    public int Count => _activations.Count;

    public IEnumerable<ActivationData> Activations => _activations.Values;

    /// <summary>True once a graceful stop began: requests for grains not active here are forwarded elsewhere.</summary>
    public bool IsStopping => _stopping;

    public ActivationData? Find(GrainId grainId) => _activations.GetValueOrDefault(grainId);

    public long TotalQueueLength() => _activations.Values.Sum(a => (long)a.QueueLength);

    /// <summary>Delivers a request to its activation (never blocks: at most a lock and an enqueue).</summary>
    public void Deliver(Message message)
    {
        GrainId grainId = message.Header.TargetGrain;
        while (true)
        {
            if (_activations.TryGetValue(grainId, out ActivationData? existing))
            {
                EnqueueResult result = existing.Enqueue(message);
                if (result == EnqueueResult.Accepted)
                {
                    return;
                }

                if (result == EnqueueResult.Overloaded)
                {
                    shared.MessageCenter.SendRejection(message.Header, RejectionKind.Overloaded, $"{grainId} has {shared.Options.MaxQueuedRequestsPerActivation} requests waiting (SiloOptions.MaxQueuedRequestsPerActivation).");
                    return;
                }

                // It became Invalid between the lookup and the enqueue; it removes itself, try again.
                _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(grainId, existing));
                continue;
            }

            if (_stopping)
            {
                _ = shared.RuntimeClient.ForwardAsync(message, null, "the silo is shutting down");
                return;
            }

            GrainClassMetadata? grainClass = GeneratedCodeRegistry.FindGrainClass(grainId.Type);
            if (grainClass is null)
            {
                shared.MessageCenter.SendRejection(message.Header, RejectionKind.UnknownGrain, $"silo {shared.LocalSilo.SiloAddress} has no grain class for grain type '{grainId.Type}'.");
                return;
            }

            var created = new ActivationData(grainId, grainClass, shared, this);
            if (_activations.TryAdd(grainId, created))
            {
                EnqueueResult queued = created.Enqueue(message);
                System.Diagnostics.Debug.Assert(queued == EnqueueResult.Accepted, "a new activation accepts requests while Creating");
                _ = created.ActivateAsync();
                return;
            }
        }
    }

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    /// <summary>Deactivates activations idle for at least <paramref name="age"/>.</summary>
    public int CollectIdle(TimeSpan age)
    {
        int collected = 0;
        foreach (ActivationData activation in _activations.Values)
        {
            if (activation.IsIdle && shared.Time.GetElapsedTime(activation.LastActive) >= age)
            {
                activation.RequestDeactivation(DeactivationReason.Idle);
                collected++;
            }
        }

        if (collected > 0)
        {
            LogCollected(logger, collected, age);
        }

        return collected;
    }

    /// <summary>After a ring change, re-registers activations whose directory owner changed.</summary>
    public async Task OnRingChangedAsync(CancellationToken cancellationToken)
    {
        foreach (ActivationData activation in _activations.Values)
        {
            try
            {
                await activation.ReRegisterIfOwnerChangedAsync(cancellationToken);
            }
            catch (Exception e) when (e is SiloUnavailableException or GrainCallRejectedException or TimeoutException)
            {
                LogReRegisterFailed(logger, activation.GrainId, e.Message);
            }
        }
    }

    /// <summary>Graceful stop: no new activations, then every activation deactivates (within <paramref name="timeout"/>).</summary>
    public async Task DeactivateAllAsync(TimeSpan timeout, TimeProvider time)
    {
        _stopping = true;
        List<ActivationData> all = [.. _activations.Values];
        foreach (ActivationData activation in all)
        {
            activation.RequestDeactivation(DeactivationReason.ShuttingDown);
        }

        try
        {
            await Task.WhenAll(all.Select(a => a.Deactivated)).WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            LogShutdownTimeout(logger, all.Count(a => !a.Deactivated.IsCompleted), timeout);
        }
    }

    /// <summary>Kill: every activation is dropped at once, running no grain code (turns already running finish on their own).</summary>
    public void AbortAll()
    {
        _stopping = true;
        foreach (ActivationData activation in _activations.Values)
        {
            activation.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Collecting {Count} activations idle for {Age}")]
    private static partial void LogCollected(ILogger logger, int count, TimeSpan age);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not re-register {Grain} after a ring change: {Reason}")]
    private static partial void LogReRegisterFailed(ILogger logger, GrainId grain, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} activations did not deactivate within {Timeout}")]
    private static partial void LogShutdownTimeout(ILogger logger, int count, TimeSpan timeout);
}
