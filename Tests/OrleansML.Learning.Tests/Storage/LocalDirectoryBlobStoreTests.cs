namespace OrleansML.Learning.Tests.Storage;

/// <summary>The blob store contract on a temporary directory, and what is particular to directories.</summary>
public sealed class LocalDirectoryBlobStoreTests : BlobStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orleansml-blobs-" + Guid.NewGuid().ToString("N"));

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(new LocalDirectoryBlobStore(_directory));

    protected override Task DeleteStoreAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Blobs_are_files_under_the_directory_and_no_temporary_file_is_left()
    {
        await Store.WriteAsync("a/b/c.bin", new byte[] { 1, 2, 3 });
        await Store.WriteAsync("a/b/c.bin", new byte[] { 4, 5 });
        await Store.WriteAsync("a/d.bin", new MemoryStream([6]));

        Assert.Equal($"directory {Path.GetFullPath(_directory)}", Store.Location);
        Assert.Equal(new byte[] { 4, 5 }, File.ReadAllBytes(Path.Combine(_directory, "a", "b", "c.bin")));
        Assert.Equal(
            [Path.Combine(_directory, "a", "b", "c.bin"), Path.Combine(_directory, "a", "d.bin")],
            Directory.GetFiles(_directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_stray_temporary_file_from_a_crash_is_neither_listed_nor_a_valid_name()
    {
        await Store.WriteAsync("models/m", new byte[] { 1 });
        string stray = $".m.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(Path.Combine(_directory, "models", stray), [9, 9]);

        Assert.Equal(["models/m"], await ListAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync("models/" + stray, new byte[] { 1 }));
    }

    [Fact]
    public async Task A_blob_that_would_also_be_a_folder_is_a_store_error_naming_both()
    {
        await Store.WriteAsync("shard", new byte[] { 1 });

        BlobStoreException error = await Assert.ThrowsAsync<BlobStoreException>(() => Store.WriteAsync("shard/part", new byte[] { 2 }));

        Assert.Equal("shard/part", error.BlobName);
        Assert.Contains(Store.Location, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync("shard/part"));
        Assert.False(await Store.ExistsAsync("shard/part"));
        await Store.DeleteAsync("shard/part");
        Assert.Empty(await ListAsync("shard/"));
        await Store.WriteAsync("folder/inner", new byte[] { 3 });
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync("folder"));
        await Store.DeleteAsync("folder");
        Assert.True(await Store.ExistsAsync("folder/inner"));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_the_old_content()
    {
        await Store.WriteAsync("x", new byte[] { 1 });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync("x", new GeneratedStream(1 << 20, seed: 1), cancelled.Token));

        Assert.Equal(new byte[] { 1 }, await Store.ReadAllBytesAsync("x"));
        Assert.Equal(["x"], await ListAsync(""));
    }
}
