using OrleansML.Runtime.Persistence;

namespace OrleansML.Runtime.Tests.Persistence;

/// <summary>The IGrainStorage contract, run against every provider.</summary>
public abstract class GrainStorageContractTests
{
    protected static readonly GrainId Grain = new("counter", "alpha");

    protected abstract IGrainStorage Storage { get; }

    [Fact]
    public async Task Missing_record_reads_null()
    {
        Assert.Null(await Storage.ReadAsync("state", Grain, default));
    }

    [Fact]
    public async Task Create_then_conditional_update_then_read()
    {
        string first = await Storage.WriteAsync("state", Grain, new byte[] { 1, 2, 3 }, null, default);
        StoredRecord? read = await Storage.ReadAsync("state", Grain, default);
        Assert.NotNull(read);
        Assert.Equal(first, read.Etag);
        Assert.Equal(new byte[] { 1, 2, 3 }, read.Data.ToArray());

        string second = await Storage.WriteAsync("state", Grain, new byte[] { 9 }, first, default);
        Assert.NotEqual(first, second);
        read = await Storage.ReadAsync("state", Grain, default);
        Assert.Equal(second, read!.Etag);
        Assert.Equal(new byte[] { 9 }, read.Data.ToArray());
    }

    [Fact]
    public async Task Stale_etag_is_rejected_with_both_etags()
    {
        string first = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, null, default);
        string second = await Storage.WriteAsync("state", Grain, new byte[] { 2 }, first, default);
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", Grain, new byte[] { 3 }, first, default));
        Assert.Equal(second, error.StoredEtag);
        Assert.Equal(first, error.ExpectedEtag);
        Assert.Contains("counter/alpha", error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 2 }, (await Storage.ReadAsync("state", Grain, default))!.Data.ToArray());

        // Creating over an existing record, and updating a missing one, are conflicts too.
        error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", Grain, new byte[] { 4 }, null, default));
        Assert.Equal(second, error.StoredEtag);
        Assert.Null(error.ExpectedEtag);
        error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("other", Grain, new byte[] { 4 }, "123", default));
        Assert.Null(error.StoredEtag);
    }

    [Fact]
    public async Task Clear_is_conditional_and_clear_then_create_with_null_etag_works()
    {
        string etag = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, null, default);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync("state", Grain, null, default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync("state", Grain, etag + "x", default));
        await Storage.ClearAsync("state", Grain, etag, default);
        Assert.Null(await Storage.ReadAsync("state", Grain, default));

        // Clearing nothing with a null ETag succeeds; a stale ETag from before the clear can no longer write.
        await Storage.ClearAsync("state", Grain, null, default);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", Grain, new byte[] { 5 }, etag, default));
        string recreated = await Storage.WriteAsync("state", Grain, new byte[] { 6 }, null, default);
        Assert.NotEqual(etag, recreated);
        Assert.Equal(new byte[] { 6 }, (await Storage.ReadAsync("state", Grain, default))!.Data.ToArray());
    }

    [Fact]
    public async Task Records_are_keyed_by_state_name_and_grain()
    {
        await Storage.WriteAsync("a", Grain, new byte[] { 1 }, null, default);
        await Storage.WriteAsync("b", Grain, new byte[] { 2 }, null, default);
        await Storage.WriteAsync("a", new GrainId("counter", "Alpha"), new byte[] { 3 }, null, default);
        await Storage.WriteAsync("a", new GrainId("counter2", "alpha"), new byte[] { 4 }, null, default);
        Assert.Equal(1, (await Storage.ReadAsync("a", Grain, default))!.Data.Span[0]);
        Assert.Equal(2, (await Storage.ReadAsync("b", Grain, default))!.Data.Span[0]);
        Assert.Equal(3, (await Storage.ReadAsync("a", new GrainId("counter", "Alpha"), default))!.Data.Span[0]);
        Assert.Equal(4, (await Storage.ReadAsync("a", new GrainId("counter2", "alpha"), default))!.Data.Span[0]);
    }

    [Fact]
    public async Task Caller_buffers_are_copied()
    {
        byte[] data = [1, 2];
        await Storage.WriteAsync("state", Grain, data, null, default);
        data[0] = 99;
        Assert.Equal(1, (await Storage.ReadAsync("state", Grain, default))!.Data.Span[0]);
    }

    [Fact]
    public async Task Concurrent_writers_with_the_same_etag_exactly_one_wins()
    {
        string etag = await Storage.WriteAsync("state", Grain, new byte[] { 0 }, null, default);
        int successes = await RaceAsync(Enumerable.Repeat(Storage, 8).ToArray(), etag);
        Assert.Equal(1, successes);
    }

    /// <summary>Each storage writes once with <paramref name="etag"/>, all at once; returns how many succeeded.</summary>
    protected static async Task<int> RaceAsync(IGrainStorage[] writers, string etag)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<bool>[] attempts = [.. writers.Select((storage, i) => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await storage.WriteAsync("state", Grain, new byte[] { (byte)(i + 1) }, etag, default);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }))];
        start.SetResult();
        bool[] results = await Task.WhenAll(attempts);
        int winner = Array.IndexOf(results, true);
        Assert.Equal(winner + 1, (await writers[0].ReadAsync("state", Grain, default))!.Data.Span[0]);
        return results.Count(r => r);
    }
}

public sealed class MemoryGrainStorageTests : GrainStorageContractTests
{
    protected override IGrainStorage Storage { get; } = new MemoryGrainStorage();
}
