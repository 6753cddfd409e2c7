using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Activation;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Reminders;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Hosting;

/// <summary>
/// Starts and stops the silo in order: transport → address → membership join → serving (collector,
/// reminders); graceful stop: no new activations, deactivate every grain, leave (ShuttingDown → Dead),
/// stop the transport. <see cref="Kill"/> runs none of that: it stops processing at once, as a crash does.
/// </summary>
internal sealed partial class SiloHostedService(
    ITransport transport,
    IMembershipAgent membership,
    MessageCenter messageCenter,
    IncomingDispatcher dispatcher,
    CallManager calls,
    Catalog catalog,
    GrainDirectory directory,
    RingProvider ring,
    GrainLocator locator,
    RuntimeClient runtimeClient,
    ActivationCollector collector,
    ReminderService reminders,
    Management.CatalogStatistics catalogStatistics,
    LocalSiloDetails localSilo,
    RuntimeMetrics metrics,
    TimeProvider time,
    IOptions<SiloOptions> options,
    ILogger<SiloHostedService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SiloAddress, byte> _disconnected = new();
    private int _state; // 0 new, 1 started, 2 stopping or stopped, 3 killed

    public bool IsKilled => Volatile.Read(ref _state) == 3;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        SiloOptions settings = options.Value;
        dispatcher.AddSystemTarget(DirectoryCodec.TargetType, directory);
        dispatcher.AddSystemTarget(SiloProber.TargetType, new SiloProber.PingTarget());
        dispatcher.AddSystemTarget(RemindersChangedRequest.TargetType, reminders);
        dispatcher.AddSystemTarget(Management.ActivationCountsRequest.TargetType, catalogStatistics);
        metrics.ObserveQueueLength(catalog.TotalQueueLength);
        metrics.ObservePendingCalls(() => calls.PendingCount);

        try
        {
            await StartServingAsync(settings, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A silo that failed to start must not keep its endpoint open or half a membership row alive.
            LogStartFailed(logger, settings.SiloName, e);
            await KillAsync();
            throw;
        }

        Volatile.Write(ref _state, 1);
        LogStarted(logger, settings.SiloName, localSilo.SiloAddress, settings.ClusterId);
    }

    private async Task StartServingAsync(SiloOptions settings, CancellationToken cancellationToken)
    {
        await messageCenter.StartAsync(dispatcher.Dispatch, cancellationToken);
        IPEndPoint endpoint = transport.SiloEndPoint
            ?? throw new InvalidOperationException("The transport started without a silo endpoint.");
        if (transport.LocalSilo is { } bound)
        {
            // The TCP handshake proves this exact address (generation included) to peers: use it, never a second one.
            localSilo.Set(bound);
        }
        else
        {
            string host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? settings.AdvertisedHost : endpoint.Address.ToString();
            localSilo.Set(new SiloAddress(host, endpoint.Port, SiloAddress.NewGeneration(time)));
        }

        transport.ConnectionClosed += OnConnectionClosed;
        membership.Changed += OnMembershipChanged;
        await membership.JoinAsync(settings.SiloName, transport.GatewayEndPoint?.Port ?? 0, cancellationToken);
        membership.DeclaredDead += OnDeclaredDead;
        OnMembershipChanged(membership.Current);

        collector.Start();
        await reminders.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        LogStopping(logger, localSilo.SiloAddress);
        localSilo.IsStopping = true;
        collector.Dispose();
        reminders.Dispose();
        await catalog.DeactivateAllAsync(options.Value.ShutdownTimeout, time);
        try
        {
            await membership.LeaveAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogLeaveFailed(logger, e.Message);
        }

        catalog.AbortAll(); // activations that outlived ShutdownTimeout
        Shutdown("the silo stopped");
        await transport.DisposeAsync();
        LogStopped(logger, localSilo.SiloAddress);
    }

    /// <summary>Stops everything at once, running no grain or membership shutdown code (a crash, for tests).</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _state, 3) == 3)
        {
            return;
        }

        LogKilled(logger, localSilo.IsKnown ? localSilo.SiloAddress : null);
        localSilo.IsStopping = true;
        collector.Dispose();
        reminders.Dispose();
        Shutdown("the silo was killed");
        catalog.AbortAll();
        transport.Abort(); // every connection reset: peers see what a crash looks like

        if (membership is IAsyncDisposable agent)
        {
            await agent.DisposeAsync(); // stops its loops and writes nothing: the others must detect the death
        }
    }

    private void Shutdown(string reason)
    {
        transport.ConnectionClosed -= OnConnectionClosed;
        membership.Changed -= OnMembershipChanged;
        membership.DeclaredDead -= OnDeclaredDead;
        messageCenter.Stop();
        _lifetime.Cancel();
        calls.FailAll(reason);
    }

    /// <summary>Releases the lifetime token only: disposal is not a stop (a killed silo is disposed too).</summary>
    public void Dispose() => _lifetime.Dispose();

    private void OnConnectionClosed(PeerId peer, Exception? error)
    {
        if (peer.Silo is not null)
        {
            // Whatever was in flight on that connection may or may not have run: fail it now (at-most-once).
            string reason = error is null ? "closed its connection" : $"lost its connection ({error.Message})";
            calls.FailCallsTo(peer.Silo, reason);
            runtimeClient.FailForwardedTo(peer.Silo, reason);
        }
    }

    private void OnMembershipChanged(MembershipSnapshot changed)
    {
        // Change events may arrive out of order: act on the newest view.
        MembershipSnapshot snapshot = membership.Current.Version >= changed.Version ? membership.Current : changed;
        foreach (MembershipEntry entry in snapshot.Entries)
        {
            if (entry.Status == SiloStatus.Dead && entry.Silo != localSilo.SiloAddress)
            {
                calls.FailCallsTo(entry.Silo, "was declared dead");
                runtimeClient.FailForwardedTo(entry.Silo, "was declared dead");
                if (_disconnected.TryAdd(entry.Silo, 0))
                {
                    transport.Disconnect(PeerId.ForSilo(entry.Silo));
                }
            }
        }

        locator.ForgetSilosNotActive();
        if (ring.TakeChange())
        {
            directory.Partition.Prune(id => directory.GetOwner(id) == localSilo.SiloAddress);
            _ = catalog.OnRingChangedAsync(_lifetime.Token);
            reminders.OnRingChanged();
        }
    }

    private void OnDeclaredDead()
    {
        LogDeclaredDead(logger, localSilo.SiloAddress);
        _ = KillAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Name} started as {Silo} in cluster {ClusterId}")]
    private static partial void LogStarted(ILogger logger, string name, SiloAddress silo, string clusterId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Silo {Name} failed to start")]
    private static partial void LogStartFailed(ILogger logger, string name, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} is stopping")]
    private static partial void LogStopping(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} stopped")]
    private static partial void LogStopped(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} was killed")]
    private static partial void LogKilled(ILogger logger, SiloAddress? silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leaving the cluster failed: {Reason}")]
    private static partial void LogLeaveFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Silo {Silo} was declared dead by the cluster and stops now")]
    private static partial void LogDeclaredDead(ILogger logger, SiloAddress silo);
}
