using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Tests.Persistence;

public sealed class CounterState
{
    public long Value { get; set; }

    public List<string> History { get; set; } = [];
}

[JsonSerializable(typeof(CounterState))]
internal sealed partial class PersistenceTestJsonContext : JsonSerializerContext;

public sealed class PersistentStateTests
{
    private static readonly GrainId Grain = new("counter", "7");

    static PersistentStateTests() => JsonSerializationRegistry.Add(PersistenceTestJsonContext.Default);

    [Fact]
    public async Task Dto_state_round_trips_and_tracks_the_etag()
    {
        var storage = new MemoryGrainStorage();
        var state = new PersistentState<CounterState>("counter", Grain, storage);
        await state.ReadStateAsync();
        Assert.False(state.RecordExists);
        Assert.Null(state.Etag);
        Assert.Equal(0, state.State.Value);

        state.State.Value = 41;
        state.State.History.Add("first");
        await state.WriteStateAsync();
        Assert.True(state.RecordExists);
        Assert.NotNull(state.Etag);

        var reloaded = new PersistentState<CounterState>("counter", Grain, storage);
        await reloaded.ReadStateAsync();
        Assert.Equal(41, reloaded.State.Value);
        Assert.Equal(["first"], reloaded.State.History);
        Assert.Equal(state.Etag, reloaded.Etag);
    }

    [Fact]
    public async Task A_stale_copy_cannot_overwrite_newer_state()
    {
        var storage = new MemoryGrainStorage();
        var first = new PersistentState<CounterState>("counter", Grain, storage);
        var second = new PersistentState<CounterState>("counter", Grain, storage);
        await first.ReadStateAsync();
        await second.ReadStateAsync();
        first.State.Value = 1;
        await first.WriteStateAsync();
        second.State.Value = 2;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => second.WriteStateAsync());
        Assert.Null(error.ExpectedEtag);
        Assert.Equal(first.Etag, error.StoredEtag);

        await second.ReadStateAsync();
        Assert.Equal(1, second.State.Value);
    }

    [Fact]
    public async Task Clear_resets_the_state_and_allows_a_fresh_create()
    {
        var storage = new MemoryGrainStorage();
        var state = new PersistentState<CounterState>("counter", Grain, storage);
        state.State.Value = 5;
        await state.WriteStateAsync();
        await state.ClearStateAsync();
        Assert.False(state.RecordExists);
        Assert.Null(state.Etag);
        Assert.Equal(0, state.State.Value);
        Assert.Null(await storage.ReadAsync("counter", Grain, default));

        state.State.Value = 6;
        await state.WriteStateAsync();
        Assert.Equal(6, (await ReadBack(storage)).Value);
    }

    [Fact]
    public async Task Primitive_state_uses_the_value_serializer()
    {
        var storage = new MemoryGrainStorage();
        var state = new PersistentState<long>("count", Grain, storage) { State = 123 };
        await state.WriteStateAsync();
        StoredRecord? record = await storage.ReadAsync("count", Grain, default);
        Assert.Equal(8, record!.Data.Length);
        var reloaded = new PersistentState<long>("count", Grain, storage);
        await reloaded.ReadStateAsync();
        Assert.Equal(123, reloaded.State);
    }

    [Fact]
    public async Task Named_providers_resolve_from_di_and_a_missing_name_is_a_clear_error()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddMemoryGrainStorage("Default")
            .AddMemoryGrainStorage("Other")
            .BuildServiceProvider();
        var factory = (StoragePersistentStateFactory)services.GetRequiredService<IPersistentStateFactory>();
        IPersistentState<CounterState> state = factory.Create<CounterState>(Grain, "counter", "Default");
        state.State.Value = 3;
        await state.WriteStateAsync();
        var resolver = services.GetRequiredService<IGrainStorageResolver>();
        Assert.NotNull(await resolver.GetStorage("Default").ReadAsync("counter", Grain, default));
        Assert.Null(await resolver.GetStorage("Other").ReadAsync("counter", Grain, default));

        var error = Assert.Throws<InvalidOperationException>(() => factory.Create<CounterState>(Grain, "counter", "Blob"));
        Assert.Contains("'Blob'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddMemoryGrainStorage", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddMemoryGrainStorage("x").AddFileGrainStorage("x", Path.GetTempPath()));
    }

    private static async Task<CounterState> ReadBack(IGrainStorage storage)
    {
        var state = new PersistentState<CounterState>("counter", Grain, storage);
        await state.ReadStateAsync();
        return state.State;
    }
}
