namespace OrleansML.Runtime;

/// <summary>
/// What an activation offers its grain instance. Implemented by the runtime's activation; grain code
/// reaches it through <see cref="Grain"/>'s members.
/// </summary>
public interface IGrainContext
{
    /// <summary>The grain's id.</summary>
    GrainId GrainId { get; }

    /// <summary>The silo hosting the activation.</summary>
    SiloAddress Silo { get; }

    /// <summary>Creates references to other grains; calls made through them carry this grain's call chain.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>The silo's services.</summary>
    IServiceProvider Services { get; }

    /// <summary>Asks the runtime to deactivate this activation once the current turn ends.</summary>
    void DeactivateOnIdle();

    /// <summary>Registers a volatile timer whose callbacks run as grain turns (one at a time with calls,
    /// unless the grain is reentrant). Disposing the handle stops it; deactivation stops it too.</summary>
    IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period);

    /// <summary>Creates or updates a durable reminder for this grain (the grain must implement <see cref="IRemindable"/>).</summary>
    Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken);

    /// <summary>Removes a durable reminder; removing one that does not exist does nothing.</summary>
    Task UnregisterReminderAsync(string reminderName, CancellationToken cancellationToken);

    /// <summary>The persistent state declared by a constructor parameter (used by generated activators).</summary>
    IPersistentState<TState> GetPersistentState<TState>(string stateName, string storageName) where TState : new();
}
