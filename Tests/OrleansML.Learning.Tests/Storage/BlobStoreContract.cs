using System.Text;

namespace OrleansML.Learning.Tests.Storage;

/// <summary>
/// What every <see cref="IBlobStore"/> must do, run against each implementation by a derived class.
/// Partitioned datasets through the store are tested in the other part of this class (BlobStoreContract.Datasets.cs).
/// </summary>
public abstract partial class BlobStoreContract : IAsyncLifetime
{
    private IBlobStore? _store;

    /// <summary>The store under test: empty when the test starts.</summary>
    protected IBlobStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<IBlobStore> CreateStoreAsync();

    protected virtual Task DeleteStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DeleteStoreAsync();

    [Fact]
    public async Task Bytes_and_streams_round_trip()
    {
        byte[] content = Encoding.UTF8.GetBytes("shard 3, version 17");

        await Store.WriteAsync("checkpoints/shard-3", content);
        await Store.WriteAsync("empty", ReadOnlyMemory<byte>.Empty);

        Assert.Equal(content, await Store.ReadAllBytesAsync("checkpoints/shard-3"));
        await using (Stream stream = await Store.OpenReadAsync("checkpoints/shard-3"))
        {
            Assert.Equal(content, await ReadToEndAsync(stream));
        }

        Assert.Empty(await Store.ReadAllBytesAsync("empty"));
        Assert.True(await Store.ExistsAsync("checkpoints/shard-3"));
        Assert.False(await Store.ExistsAsync("checkpoints/shard-4"));
        Assert.False(await Store.ExistsAsync("checkpoints"));
    }

    [Fact]
    public async Task A_missing_blob_is_reported_by_name_and_store()
    {
        BlobNotFoundException open = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync("models/missing.omlmodel"));
        BlobNotFoundException read = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ReadAllBytesAsync("models/missing.omlmodel"));

        Assert.Equal("models/missing.omlmodel", open.BlobName);
        Assert.Equal(Store.Location, open.StoreLocation);
        Assert.Contains("'models/missing.omlmodel'", read.Message, StringComparison.Ordinal);
        Assert.Contains(Store.Location, read.Message, StringComparison.Ordinal);
        Assert.False(await Store.ExistsAsync("models/missing.omlmodel"));
    }

    [Fact]
    public async Task Delete_is_idempotent()
    {
        await Store.DeleteAsync("never/written");
        await Store.WriteAsync("doomed", new byte[] { 1, 2, 3 });

        await Store.DeleteAsync("doomed");
        await Store.DeleteAsync("doomed");

        Assert.False(await Store.ExistsAsync("doomed"));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ReadAllBytesAsync("doomed"));
    }

    [Fact]
    public async Task Listing_by_prefix_returns_matching_names_sorted()
    {
        Assert.Empty(await ListAsync(""));
        string[] names = ["jobs/7/shard-10", "jobs/7/shard-2", "jobs/70/shard-1", "jobs/8/shard-1", "models/final", ".hidden/notes"];
        foreach (string name in names)
        {
            await Store.WriteAsync(name, Encoding.UTF8.GetBytes(name));
        }

        Assert.Equal(["jobs/7/shard-10", "jobs/7/shard-2"], await ListAsync("jobs/7/"));
        Assert.Equal(["jobs/7/shard-10", "jobs/7/shard-2", "jobs/70/shard-1"], await ListAsync("jobs/7"));
        Assert.Equal(["jobs/7/shard-10"], await ListAsync("jobs/7/shard-1"));
        Assert.Equal(names.Order(StringComparer.Ordinal), await ListAsync(""));
        Assert.Empty(await ListAsync("nothing/"));
        await Store.DeleteAsync("jobs/7/shard-2");
        Assert.Equal(["jobs/7/shard-10"], await ListAsync("jobs/7/"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/absolute")]
    [InlineData("a/../../escape")]
    [InlineData("..")]
    [InlineData("./here")]
    [InlineData("back\\slash")]
    [InlineData("double//slash")]
    [InlineData("trailing/")]
    [InlineData("bell\u0007")]
    public async Task Bad_names_are_rejected_with_the_name_in_the_message(string name)
    {
        ArgumentException write = await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.WriteAsync(name, new byte[] { 1 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.WriteAsync(name, new MemoryStream([1])));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(name));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadAllBytesAsync(name));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ExistsAsync(name));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(name));

        Assert.Contains($"Blob name '{name.Replace("\u0007", "\\u0007", StringComparison.Ordinal)}' is not valid", write.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListAsync("../"));
        Assert.Empty(await ListAsync(""));
    }

    [Fact]
    public async Task Overwrites_are_atomic_to_concurrent_readers()
    {
        const int Size = 3 << 20;
        byte[] first = Filled(0xA1, Size);
        byte[] second = Filled(0xB2, Size);
        await Store.WriteAsync("atomic", first);

        Task writer = Task.Run(async () =>
        {
            for (int i = 0; i < 8; i++)
            {
                await Store.WriteAsync("atomic", i % 2 == 0 ? second : first);
            }
        });
        int reads = 0;
        while (!writer.IsCompleted || reads < 3)
        {
            byte[] seen = await Store.ReadAllBytesAsync("atomic");
            Assert.Equal(Size, seen.Length);
            Assert.True(seen[0] is 0xA1 or 0xB2, $"unexpected first byte 0x{seen[0]:x2}");
            Assert.Equal(-1, seen.AsSpan().IndexOfAnyExcept(seen[0]));
            reads++;
        }

        await writer;
        Assert.Equal(first, await Store.ReadAllBytesAsync("atomic"));
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_the_old_content_and_no_trace()
    {
        byte[] old = Filled(0x11, 1000);
        await Store.WriteAsync("model", old);

        var failing = new GeneratedStream(4 << 20, seed: 5, failAfter: 1 << 20);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync("model", failing));

        Assert.Equal(old, await Store.ReadAllBytesAsync("model"));
        Assert.Equal(["model"], await ListAsync(""));
    }

    [Fact]
    public async Task A_large_stream_is_written_and_read_back_in_pieces()
    {
        const long Size = 20L << 20;
        var source = new GeneratedStream(Size, seed: 42);

        await Store.WriteAsync("tensors/embedding.bin", source);

        Assert.Equal(Size, source.Position);
        Assert.Equal((Size, source.Checksum), await ReadBackAsync("tensors/embedding.bin"));
    }

    protected async Task<List<string>> ListAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (string name in Store.ListAsync(prefix))
        {
            names.Add(name);
        }

        return names;
    }

    protected static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static byte[] Filled(byte value, int length)
    {
        byte[] bytes = new byte[length];
        bytes.AsSpan().Fill(value);
        return bytes;
    }
}
