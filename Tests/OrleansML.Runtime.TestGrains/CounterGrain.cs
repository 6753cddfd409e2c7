namespace OrleansML.Runtime.TestGrains;

/// <summary>See <see cref="ICounterGrain"/>.</summary>
public sealed class CounterGrain([PersistentState("counter", "Default")] IPersistentState<long> state, Hosting.ILocalSiloDetails silo) : Grain, ICounterGrain
{
    /// <inheritdoc/>
    public async Task<long> AddAsync(long delta)
    {
        state.State += delta;
        await state.WriteStateAsync();
        return state.State;
    }

    /// <inheritdoc/>
    public Task<long> GetAsync() => Task.FromResult(state.State);

    /// <inheritdoc/>
    public Task<string> WhereAsync() => Task.FromResult($"{silo.SiloAddress} {silo.SiloName}");
}
