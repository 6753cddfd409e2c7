using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Reminders;
using OrleansML.Runtime.Tests.Membership;

namespace OrleansML.Runtime.Tests.Reminders;

/// <summary>The IReminderTable contract, run against every provider.</summary>
public abstract class ReminderTableContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<IReminderTable> CreateTableAsync();

    private static ReminderEntry Reminder(string key, string name = "tick") => new(new GrainId("job", key), name, T0, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Upsert_returns_a_new_etag_and_reads_back()
    {
        IReminderTable table = await CreateTableAsync();
        string first = await table.UpsertAsync(Reminder("a"), default);
        ReminderEntry read = Assert.Single(await table.ReadGrainAsync(new GrainId("job", "a"), default));
        Assert.Equal(Reminder("a") with { Etag = first }, read);

        string second = await table.UpsertAsync(Reminder("a") with { Period = TimeSpan.FromMinutes(5), StartAt = T0.AddHours(1) }, default);
        Assert.NotEqual(first, second);
        read = Assert.Single(await table.ReadGrainAsync(new GrainId("job", "a"), default));
        Assert.Equal(TimeSpan.FromMinutes(5), read.Period);
        Assert.Equal(T0.AddHours(1), read.StartAt);
        Assert.Equal(second, read.Etag);
    }

    [Fact]
    public async Task Reminders_are_keyed_by_grain_and_name()
    {
        IReminderTable table = await CreateTableAsync();
        await table.UpsertAsync(Reminder("a", "one"), default);
        await table.UpsertAsync(Reminder("a", "two"), default);
        await table.UpsertAsync(Reminder("b", "one"), default);
        Assert.Equal(["one", "two"], (await table.ReadGrainAsync(new GrainId("job", "a"), default)).Select(r => r.ReminderName).Order());
        Assert.Single(await table.ReadGrainAsync(new GrainId("job", "b"), default));
        Assert.Empty(await table.ReadGrainAsync(new GrainId("job", "c"), default));
    }

    [Fact]
    public async Task Remove_is_conditional_on_the_etag()
    {
        IReminderTable table = await CreateTableAsync();
        string etag = await table.UpsertAsync(Reminder("a"), default);
        Assert.False(await table.RemoveAsync(new GrainId("job", "a"), "tick", etag + "x", default));
        Assert.False(await table.RemoveAsync(new GrainId("job", "a"), "other", null, default));
        Assert.True(await table.RemoveAsync(new GrainId("job", "a"), "tick", etag, default));
        Assert.Empty(await table.ReadGrainAsync(new GrainId("job", "a"), default));
        Assert.False(await table.RemoveAsync(new GrainId("job", "a"), "tick", null, default));

        string again = await table.UpsertAsync(Reminder("a"), default);
        Assert.NotEqual(etag, again);
        Assert.False(await table.RemoveAsync(new GrainId("job", "a"), "tick", etag, default));
        Assert.True(await table.RemoveAsync(new GrainId("job", "a"), "tick", null, default));
    }

    [Fact]
    public async Task Range_reads_split_the_ring_with_wrap_around()
    {
        IReminderTable table = await CreateTableAsync();
        List<ReminderEntry> all = [.. Enumerable.Range(0, 40).Select(i => Reminder($"g{i}"))];
        foreach (ReminderEntry reminder in all)
        {
            await table.UpsertAsync(reminder, default);
        }

        uint[] hashes = [.. all.Select(r => r.GrainId.StableHash).Order()];
        uint a = hashes[9], b = hashes[29];

        // Three ranges that cover the ring exactly once, one of them wrapping past uint.MaxValue.
        IReadOnlyList<ReminderEntry> first = await table.ReadRangeAsync(a, b, default);
        IReadOnlyList<ReminderEntry> wrapped = await table.ReadRangeAsync(b, a, default);
        Assert.Equal(20, first.Count);
        Assert.Equal(20, wrapped.Count);
        Assert.All(first, r => Assert.True(r.GrainId.StableHash > a && r.GrainId.StableHash <= b));
        Assert.Equal(all.Select(r => r.GrainId.ToString()).Order(), first.Concat(wrapped).Select(r => r.GrainId.ToString()).Order());
        Assert.Contains(wrapped, r => r.GrainId.StableHash == hashes[0]);
        Assert.Contains(wrapped, r => r.GrainId.StableHash == hashes[^1]);

        // begin == end is the whole ring; the range edges are exclusive at the start, inclusive at the end.
        Assert.Equal(40, (await table.ReadRangeAsync(a, a, default)).Count);
        Assert.Equal(hashes[9], Assert.Single(await table.ReadRangeAsync(hashes[8], hashes[9], default)).GrainId.StableHash);
        Assert.Equal(40, (await table.ReadRangeAsync(uint.MaxValue, uint.MaxValue - 1, default)).Count + (hashes[^1] == uint.MaxValue ? 1 : 0));
    }

    [Fact]
    public async Task Invalid_reminders_are_rejected_with_a_clear_message()
    {
        IReminderTable table = await CreateTableAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertAsync(Reminder("a") with { Period = TimeSpan.Zero }, default));
        Assert.Contains("positive period", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertAsync(Reminder("a", ""), default));
    }
}

public sealed class InMemoryReminderTableTests : ReminderTableContractTests
{
    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new InMemoryReminderTable());
}

public sealed class SqliteReminderTableTests : ReminderTableContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    protected override async Task<IReminderTable> CreateTableAsync()
    {
        var table = new SqliteReminderTable(Options("cluster-a"));
        await table.InitializeAsync(default);
        return table;
    }

    private SqliteClusteringOptions Options(string clusterId) => new() { DatabasePath = Path.Combine(_directory.Path, "cluster.db"), ClusterId = clusterId, Pooling = false };

    [Fact]
    public async Task Shares_the_membership_file_and_isolates_clusters()
    {
        var membership = new SqliteMembershipTable(Options("cluster-a"));
        await membership.InitializeAsync(default);
        IReminderTable a = await CreateTableAsync();
        var b = new SqliteReminderTable(Options("cluster-b"));
        await b.InitializeAsync(default);
        await a.UpsertAsync(new ReminderEntry(new GrainId("job", "x"), "tick", T0, TimeSpan.FromMinutes(1)), default);
        Assert.Empty(await b.ReadRangeAsync(0, 0, default));
        Assert.Single(await new SqliteReminderTable(Options("cluster-a")).ReadRangeAsync(0, 0, default));
        Assert.Empty((await membership.ReadAllAsync(default)).Entries);
    }
}
