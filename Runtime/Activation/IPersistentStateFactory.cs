namespace OrleansML.Runtime.Persistence;

/// <summary>
/// Creates the <see cref="IPersistentState{TState}"/> objects that grain constructors declare. The silo
/// resolves one from its services; the default one stores state through the <see cref="IGrainStorage"/>
/// registered (as a keyed service) under the state's storage name.
/// </summary>
public interface IPersistentStateFactory
{
    /// <summary>Creates the state <paramref name="stateName"/> of <paramref name="context"/>'s grain, stored by provider <paramref name="storageName"/>.</summary>
    IPersistentState<TState> Create<TState>(IGrainContext context, string stateName, string storageName) where TState : new();
}
