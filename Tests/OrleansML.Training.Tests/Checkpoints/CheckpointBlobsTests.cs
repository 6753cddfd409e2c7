using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Grains.Checkpoints;
using OrleansML.Learning.Data.Partitioning;
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

    private static async Task<byte[]> FirstTenAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] bytes = new byte[10];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

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

    [Fact]
    public async Task A_streamed_blob_is_counted_and_checksummed_on_the_way_and_proven_before_its_decoded_value_is_returned()
    {
        byte[] content = Content(300_001);
        BlobReference written = await _blobs.WriteAsync("checkpoints/j", "7", ".omsc", async (stream, token) =>
        {
            for (int at = 0; at < content.Length; at += 4096)
            {
                await stream.WriteAsync(content.AsMemory(at, Math.Min(4096, content.Length - at)), token);
            }
        });

        Assert.Equal(content.Length, written.Length);
        Assert.Equal(Crc32C.Compute(content), written.Crc32C);
        Assert.Equal(content[..10], await _blobs.ReadAsync(written, FirstTenAsync));

        // A decoder that stops early still has the rest checked: bytes added behind the record are corruption.
        await _store.WriteAsync(written.Name, (byte[])[.. content, 0]);
        var longer = await Assert.ThrowsAsync<CheckpointBlobException>(() => _blobs.ReadAsync(written, FirstTenAsync));
        Assert.Contains("holds 300002 bytes, but 300001 were written", longer.Message, StringComparison.Ordinal);

        // A decoder failing on a damaged blob is reported as the damage, not as the decoder's error.
        await _store.WriteAsync(written.Name, content.AsMemory(0, 1000));
        var cut = await Assert.ThrowsAsync<CheckpointBlobException>(() => _blobs.ReadAsync<byte[]>(written, (stream, token) => throw new FormatException("truncated")));
        Assert.Contains("holds 1000 bytes", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_encoder_that_fails_writes_no_blob_and_its_error_propagates()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _blobs.WriteAsync("checkpoints/j", "8", ".omsc", async (stream, token) =>
        {
            await stream.WriteAsync(Content(5000), token);
            throw new InvalidOperationException("encoder failed");
        }));

        Assert.Equal("encoder failed", e.Message);
        Assert.Empty(await _store.ListAsync("checkpoints/").ToListAsync());
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
