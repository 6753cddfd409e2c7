namespace OrleansML.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    Requested,

    /// <summary>It was idle longer than the collection age.</summary>
    Idle,

    /// <summary>Another activation of the same grain won the directory registration.</summary>
    DuplicateActivation,

    /// <summary>A storage write found newer state elsewhere (<see cref="Persistence.InconsistentStateException"/>).</summary>
    InconsistentState,

    /// <summary>Its silo is shutting down.</summary>
    ShuttingDown,

    /// <summary>Activation failed (the state could not be read, or OnActivateAsync threw).</summary>
    ActivationFailed,
}

/// <summary>
/// Base class of grain implementations. The runtime constructs a grain (with constructor injection from
/// the silo's services and declared persistent state), loads its state, then calls
/// <see cref="OnActivateAsync"/> before the first call is delivered. An activation runs one turn at a
/// time unless the class or method says it may interleave.
/// </summary>
public abstract class Grain
{
    /// <summary>Binds the instance to the activation that is constructing it.</summary>
    /// <exception cref="InvalidOperationException">The grain was constructed with <c>new</c> outside the runtime.</exception>
    protected Grain()
    {
        Context = GrainConstructionScope.Current
            ?? throw new InvalidOperationException($"{GetType().Name} must be activated by the runtime (use IGrainFactory.GetGrain), not constructed directly.");
    }

    /// <summary>The activation's context.</summary>
    protected internal IGrainContext Context { get; }

    /// <summary>This grain's id.</summary>
    public GrainId GrainId => Context.GrainId;

    /// <summary>Creates references to other grains.</summary>
    protected IGrainFactory GrainFactory => Context.GrainFactory;

    /// <summary>A readable identity for logs: "type/key".</summary>
    public string IdentityString => Context.GrainId.ToString();

    /// <summary>The string key of this grain.</summary>
    public string GetPrimaryKeyString() => Context.GrainId.Key;

    /// <summary>The integer key of this grain.</summary>
    public long GetPrimaryKeyLong() => Context.GrainId.IntegerKey;

    /// <summary>Runs after state is loaded and before the first call. An exception fails the activation and the call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before the activation is removed (not on a silo crash).</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation after the current turn.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle();

    /// <summary>Registers a volatile timer (see <see cref="IGrainContext.RegisterTimer"/>).</summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Context.RegisterTimer(callback, dueTime, period);

    /// <summary>Creates or updates a durable reminder.</summary>
    protected Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken = default) =>
        Context.RegisterOrUpdateReminderAsync(reminderName, dueTime, period, cancellationToken);

    /// <summary>Removes a durable reminder.</summary>
    protected Task UnregisterReminderAsync(string reminderName, CancellationToken cancellationToken = default) =>
        Context.UnregisterReminderAsync(reminderName, cancellationToken);
}
