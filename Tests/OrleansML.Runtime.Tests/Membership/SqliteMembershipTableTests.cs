using Microsoft.Extensions.Options;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Membership;

public sealed class SqliteMembershipTableTests : MembershipTableContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => Path.Combine(_directory.Path, "cluster.db");

    public void Dispose() => _directory.Dispose();

    protected override async Task<IMembershipTable> CreateTableAsync() => await OpenAsync("cluster-a");

    private async Task<SqliteMembershipTable> OpenAsync(string clusterId)
    {
        var table = new SqliteMembershipTable(new SqliteClusteringOptions { DatabasePath = DatabasePath, ClusterId = clusterId, Pooling = false });
        await table.InitializeAsync(default);
        return table;
    }

    [Fact]
    public async Task Two_instances_on_one_file_see_each_others_writes_and_race_on_one_version()
    {
        SqliteMembershipTable first = await OpenAsync("cluster-a");
        SqliteMembershipTable second = await OpenAsync("cluster-a");
        Assert.True(await first.InsertAsync(Entry(1, SiloStatus.Active), 0, default));
        MembershipSnapshot seen = await second.ReadAllAsync(default);
        Assert.Equal(1, seen.Version);
        Assert.Equal(Entry(1).Silo, Assert.Single(seen.Entries).Silo);

        // Both "processes" hold version 1 and try to write: exactly one wins.
        Task<bool> a = Task.Run(() => first.UpdateAsync(Entry(1, SiloStatus.Dead), 1, default));
        Task<bool> b = Task.Run(() => second.InsertAsync(Entry(2), 1, default));
        bool[] results = await Task.WhenAll(a, b);
        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(2, (await first.ReadAllAsync(default)).Version);

        await second.UpdateIAmAliveAsync(Entry(1).Silo, T0.AddDays(1), default);
        Assert.Equal(T0.AddDays(1), (await first.ReadAllAsync(default)).Find(Entry(1).Silo)!.IAmAliveTime);
    }

    [Fact]
    public async Task A_writer_waits_for_another_connections_write_lock_up_to_the_busy_timeout()
    {
        SqliteMembershipTable patient = await OpenAsync("cluster-a");
        var impatient = new SqliteMembershipTable(new SqliteClusteringOptions { DatabasePath = DatabasePath, ClusterId = "cluster-a", Pooling = false, BusyTimeout = TimeSpan.FromMilliseconds(50) });

        // Another connection (as another process would) holds the write lock for a while.
        await using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await holder.OpenAsync();
        using (var transaction = holder.BeginTransaction(deferred: false))
        {
            var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => impatient.InsertAsync(Entry(1), 0, default));
            Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY after the 50 ms timeout

            Task<bool> waiting = patient.InsertAsync(Entry(1), 0, default);
            await Task.Delay(300);
            Assert.False(waiting.IsCompleted);
            transaction.Commit();
            Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(1, (await impatient.ReadAllAsync(default)).Version);
    }

    [Fact]
    public async Task Clusters_sharing_a_file_are_isolated()
    {
        SqliteMembershipTable a = await OpenAsync("cluster-a");
        SqliteMembershipTable b = await OpenAsync("cluster-b");
        Assert.True(await a.InsertAsync(Entry(1), 0, default));
        Assert.True(await a.InsertAsync(Entry(2), 1, default));
        MembershipSnapshot other = await b.ReadAllAsync(default);
        Assert.Equal(0, other.Version);
        Assert.Empty(other.Entries);
        Assert.True(await b.InsertAsync(Entry(1), 0, default));
        Assert.Equal(2, (await a.ReadAllAsync(default)).Entries.Count);
    }

    [Fact]
    public async Task Reading_before_initialize_names_the_fix()
    {
        var table = new SqliteMembershipTable(new SqliteClusteringOptions { DatabasePath = DatabasePath, ClusterId = "never-initialized", Pooling = false });
        await (await OpenAsync("cluster-a")).ReadAllAsync(default);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => table.ReadAllAsync(default));
        Assert.Contains("InitializeAsync", error.Message, StringComparison.Ordinal);
        Assert.Contains("never-initialized", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new SqliteMembershipTable(new SqliteClusteringOptions { DatabasePath = DatabasePath, ClusterId = "" }));
        Assert.Contains("ClusterId", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<OptionsValidationException>(() => new SqliteMembershipTable(new SqliteClusteringOptions { DatabasePath = DatabasePath, ClusterId = "c", BusyTimeout = TimeSpan.Zero }));
        Assert.Contains("BusyTimeout", error.Message, StringComparison.Ordinal);
    }
}
