using OrleansML.Providers.Tests.Cluster;
using static OrleansML.Providers.Tests.Storage.StorageProbe;

namespace OrleansML.Providers.Tests.Storage;

/// <summary>
/// Optimistic concurrency of grain storage, on ADO.NET (OrleansML's schema on PostgreSQL) and on Azure Blob
/// (Azurite), both with Orleans' binary serializer: two handles on one grain's state play two activations.
/// </summary>
[Collection(ProviderClusterDefinition.Name)]
public sealed class GrainStorageConcurrencyTests(ProviderCluster cluster)
{
    [Theory]
    [InlineData(SiloHosts.PostgreSqlStorage, "guid")]
    [InlineData(SiloHosts.PostgreSqlStorage, "string")]
    [InlineData(SiloHosts.BlobStorage, "guid")]
    [InlineData(SiloHosts.BlobStorage, "string")]
    public async Task A_stale_write_fails_and_a_fresh_read_returns_the_last_acknowledged_write(string provider, string keyKind)
    {
        var storage = cluster.Silos[0].GrainStorage(provider);
        var grainId = NewGrainId(keyKind);
        var first = await ReadAsync(storage, grainId);
        var second = await ReadAsync(storage, grainId);
        Assert.False(first.RecordExists);
        Assert.Null(first.ETag);

        await WriteAsync(storage, grainId, first, State(1, "first"));
        Assert.NotNull(first.ETag);

        // The second handle still believes there is no record: its first write must lose to the existing one.
        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(storage, grainId, second, State(2, "second")));

        second = await ReadAsync(storage, grainId);
        Assert.Equal(first.ETag, second.ETag);
        var acknowledged = State(3, "first");
        await WriteAsync(storage, grainId, first, acknowledged);
        Assert.NotEqual(second.ETag, first.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(storage, grainId, second, State(4, "second")));

        // A new activation, on the other silo, sees the last write that was acknowledged and nothing else.
        var fresh = await ReadAsync(cluster.Silos[1].GrainStorage(provider), grainId);
        AssertHolds(acknowledged, fresh);
        Assert.Equal(first.ETag, fresh.ETag);
    }

    [Theory]
    [InlineData(SiloHosts.PostgreSqlStorage)]
    [InlineData(SiloHosts.PostgreSqlDeletingStorage)]
    [InlineData(SiloHosts.BlobStorage)]
    public async Task A_stale_clear_fails_and_a_current_clear_leaves_the_default_state(string provider)
    {
        var storage = cluster.Silos[0].GrainStorage(provider);
        var grainId = NewGrainId("guid");
        var first = await ReadAsync(storage, grainId);
        await WriteAsync(storage, grainId, first, State(1, "first"));
        var second = await ReadAsync(storage, grainId);
        var acknowledged = State(2, "first");
        await WriteAsync(storage, grainId, first, acknowledged);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grainId, second));
        AssertHolds(acknowledged, await ReadAsync(storage, grainId));

        await storage.ClearStateAsync(StateName, grainId, first);
        var cleared = await ReadAsync(storage, grainId);
        Assert.False(cleared.RecordExists);
        Assert.NotNull(cleared.State);
        Assert.Equal(0, cleared.State.Value);

        // The clearing handle keeps a usable ETag: it can write again, and a stale handle still cannot.
        var rewritten = State(3, "first");
        await WriteAsync(storage, grainId, first, rewritten);
        AssertHolds(rewritten, await ReadAsync(storage, grainId));
        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(storage, grainId, second, State(4, "second")));
    }

    [Fact]
    public async Task AdoNet_state_is_one_row_per_grain_whose_version_is_the_ETag()
    {
        var storage = cluster.Silos[0].GrainStorage(SiloHosts.PostgreSqlStorage);
        var grainId = NewGrainId("string");
        var handle = await ReadAsync(storage, grainId);
        var etags = new List<int>();
        for (var i = 1; i <= 3; i++)
        {
            await WriteAsync(storage, grainId, handle, State(i, "writer"));
            etags.Add(int.Parse(handle.ETag!, System.Globalization.CultureInfo.InvariantCulture));
        }

        // ETags come from one sequence: each write's is new, so a re-created row can never repeat an old one.
        Assert.True(etags[0] < etags[1] && etags[1] < etags[2], string.Join(", ", etags));
        var key = grainId.Key.ToString();
        Assert.Equal(1L, await cluster.Database.ScalarAsync($"SELECT count(*) FROM OrleansStorage WHERE GrainIdExtensionString = '{key}'"));
        Assert.Equal(etags[2], await cluster.Database.ScalarAsync($"SELECT Version FROM OrleansStorage WHERE GrainIdExtensionString = '{key}'"));
    }
}
