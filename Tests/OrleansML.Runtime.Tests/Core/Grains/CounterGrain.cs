using System.Collections.Concurrent;

namespace OrleansML.Runtime.Tests.Core.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment(int by);

    [ReadOnly]
    Task<int> Read(int unused);

    Task<string> WhereAmI(int unused);
}

/// <summary>A persistent counter: every increment is written to storage before it returns.</summary>
public sealed class CounterGrain([PersistentState("counter", "Default")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public static readonly ConcurrentDictionary<string, int> Constructions = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Constructions.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public async Task<int> Increment(int by)
    {
        state.State.Value += by;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Read(int unused) => Task.FromResult(state.State.Value);

    public Task<string> WhereAmI(int unused) => Task.FromResult(Context.Silo.ToString());
}
