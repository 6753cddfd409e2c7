namespace OrleansML.Runtime.Persistence;

/// <summary>
/// The default <see cref="IPersistentStateFactory"/>: a <see cref="PersistentState{TState}"/> over the keyed
/// <see cref="IGrainStorage"/> that the state's storage name resolves to. It is the only bridge between
/// grains and storage providers: replace this service to plug in another one.
/// </summary>
internal sealed class StoragePersistentStateFactory(IGrainStorageResolver resolver) : IPersistentStateFactory
{
    private readonly IGrainStorageResolver _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));

    public IPersistentState<TState> Create<TState>(IGrainContext context, string stateName, string storageName) where TState : new()
    {
        ArgumentNullException.ThrowIfNull(context);
        return Create<TState>(context.GrainId, stateName, storageName);
    }

    /// <summary>A state bridge for <paramref name="grainId"/>, not yet read (the runtime reads it before activation).</summary>
    public IPersistentState<TState> Create<TState>(GrainId grainId, string stateName, string storageName) where TState : new()
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        IGrainStorage storage;
        try
        {
            storage = _resolver.GetStorage(storageName);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"Grain {grainId} declares state '{stateName}' in storage '{storageName}': {e.Message}", e);
        }

        return new PersistentState<TState>(stateName, grainId, storage);
    }
}
