namespace OrleansML.Runtime;

/// <summary>
/// A grain's persisted state, declared as a constructor parameter with <see cref="PersistentStateAttribute"/>.
/// The runtime reads it before <see cref="Grain.OnActivateAsync"/>. Writes are conditional on the ETag
/// of the last read or write: a stale write throws <see cref="Persistence.InconsistentStateException"/>
/// and the runtime deactivates the grain, so a stale copy cannot overwrite newer state.
/// </summary>
public interface IPersistentState<TState> where TState : new()
{
    /// <summary>The state (a new <typeparamref name="TState"/> when nothing is stored).</summary>
    TState State { get; set; }

    /// <summary>The storage ETag of the last read or write, or null when nothing is stored.</summary>
    string? Etag { get; }

    /// <summary>True when storage holds a record for this state.</summary>
    bool RecordExists { get; }

    /// <summary>Re-reads the state from storage.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the state, conditional on <see cref="Etag"/>.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the stored record and resets <see cref="State"/>.</summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
