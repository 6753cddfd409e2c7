using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Grains.Checkpoints;
using OrleansML.Learning.Storage;

namespace OrleansML.Training.Tests.Checkpoints;

/// <summary>The checkpoint blobs grain state refers to: written under fresh names, read back only when they are the
/// bytes that were written, deleted best effort.</summary>
public sealed class CheckpointBlobsTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly LocalDirectoryBlobStore _store;
    private readonly CheckpointBlobs _blobs;

    public CheckpointBlobsTests()
    {
        _store = new LocalDirectoryBlobStore(_directory.Path);
        _blobs = new CheckpointBlobs(_store, NullLogger.Instance);
    }

    public void Dispose() => _directory.Dispose();

    private static byte[] Content(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7))];

    [Fact]
    public async Task A_written_blob_reads_back_byte_for_byte_and_every_write_gets_a_new_name()
    {
        byte[] content = Content(100_003);

        BlobReference first = await _blobs.WriteAsync("checkpoints/job/shard", "000000000004", ".omsc", content);
        BlobReference second = await _blobs.WriteAsync("checkpoints/job/shard", "000000000004", ".omsc", content);

        Assert.StartsWith("checkpoints/job/shard/000000000004-", first.Name, StringComparison.Ordinal);
        Assert.EndsWith(".omsc", first.Name, StringComparison.Ordinal);
        Assert.NotEqual(first.Name, second.Name);
        Assert.Equal(content.Length, first.Length);
        Assert.Equal(first.Crc32C, second.Crc32C);
        Assert.Equal(content, await _blobs.ReadAsync(first));
    }

    [Fact]
    public async Task A_missing_blob_is_a_checkpoint_error_naming_the_blob_and_the_store()
    {
        BlobReference written = await _blobs.WriteAsync("checkpoints/j", "1", ".omsc", Content(64));
        await _store.DeleteAsync(written.Name);

        var e = await Assert.ThrowsAsync<CheckpointBlobException>(() => _blobs.ReadAsync(written));

        Assert.Equal(written.Name, e.BlobName);
        Assert.Contains($"'{written.Name}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(_store.Location, e.Message, StringComparison.Ordinal);
        Assert.Contains("is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_of_another_length_or_checksum_is_refused_as_corrupt()
    {
        byte[] content = Content(256);
        BlobReference written = await _blobs.WriteAsync("checkpoints/j", "1", ".omsc", content);

        await _store.WriteAsync(written.Name, content.AsMemory(0, 200));
        var truncated = await Assert.ThrowsAsync<CheckpointBlobException>(() => _blobs.ReadAsync(written));
        Assert.Contains("holds 200 bytes, but 256 were written", truncated.Message, StringComparison.Ordinal);

        byte[] flipped = [.. content];
        flipped[100] ^= 0x10;
        await _store.WriteAsync(written.Name, flipped);
        var corrupt = await Assert.ThrowsAsync<CheckpointBlobException>(() => _blobs.ReadAsync(written));
        Assert.Contains($"but {written.Crc32C:X8} was written", corrupt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_removes_the_named_blobs_only_and_tolerates_ones_already_gone()
    {
        BlobReference old = await _blobs.WriteAsync("checkpoints/j", "1", ".omsc", Content(8));
        BlobReference gone = await _blobs.WriteAsync("checkpoints/j", "2", ".omsc", Content(8));
        BlobReference kept = await _blobs.WriteAsync("checkpoints/j", "3", ".omsc", Content(8));
        await _store.DeleteAsync(gone.Name);

        await _blobs.DeleteQuietlyAsync([old, gone, old], "test");

        Assert.Equal([kept.Name], await _store.ListAsync("checkpoints/").ToListAsync());
    }

    [Fact]
    public async Task A_store_that_cannot_be_written_is_a_store_error_that_names_the_store()
    {
        string file = Path.Combine(_directory.Path, "not-a-directory");
        await File.WriteAllBytesAsync(file, [1]);
        var blobs = new CheckpointBlobs(new LocalDirectoryBlobStore(file), NullLogger.Instance);

        var e = await Assert.ThrowsAsync<CheckpointStoreException>(() => blobs.WriteAsync("checkpoints/j", "1", ".omsc", Content(8)));

        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("job-1", "job-1")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("..", "%2E%2E")]
    [InlineData(".", "%2E")]
    [InlineData("", "%00")]
    [InlineData("x y", "x%20y")]
    public void Any_text_becomes_one_valid_name_segment(string text, string segment)
    {
        Assert.Equal(segment, CheckpointBlobs.Segment(text));
        BlobName.Validate($"checkpoints/{segment}/x");
    }
}
