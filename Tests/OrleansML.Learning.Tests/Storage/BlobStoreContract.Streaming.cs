namespace OrleansML.Learning.Tests.Storage;

/// <summary>Writes whose content the caller streams into the store (a checkpoint encoded on the way), never held whole.</summary>
public abstract partial class BlobStoreContract
{
    /// <summary>Copies <paramref name="source"/> into the store's stream in pieces of 64 KiB, as an encoder would.</summary>
    private static Func<Stream, CancellationToken, Task> Producer(Stream source) => async (target, token) =>
    {
        byte[] piece = new byte[64 << 10];
        int read;
        while ((read = await source.ReadAsync(piece, token)) > 0)
        {
            await target.WriteAsync(piece.AsMemory(0, read), token);
        }
    };

    private async Task<(long Length, uint Crc)> ReadBackAsync(string name)
    {
        await using Stream stream = await Store.OpenReadAsync(name);
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        uint crc = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            crc = Crc32C.Append(crc, buffer.AsSpan(0, read));
            total += read;
        }

        return (total, crc);
    }

    [Fact]
    public async Task Content_written_into_the_stores_stream_reads_back_whole_even_when_far_larger_than_its_buffer()
    {
        long size = (5L * BlobPipe.PauseBytes) + 12_345;
        var source = new GeneratedStream(size, seed: 3);

        await Store.WriteAsync("checkpoints/job/shard-0/000000000010.omsc", Producer(source));

        Assert.Equal((size, source.Checksum), await ReadBackAsync("checkpoints/job/shard-0/000000000010.omsc"));
        await Store.WriteAsync("checkpoints/empty", (_, _) => Task.CompletedTask);
        Assert.Empty(await Store.ReadAllBytesAsync("checkpoints/empty"));
    }

    [Fact]
    public async Task A_producer_that_fails_midway_leaves_the_old_content_no_trace_and_its_own_error()
    {
        byte[] old = [1, 2, 3];
        await Store.WriteAsync("checkpoints/c", old);

        var failing = new GeneratedStream(8L << 20, seed: 9, failAfter: 3L << 20);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync("checkpoints/c", Producer(failing)));

        Assert.Equal("the generated source failed on purpose", e.Message);
        Assert.Equal(old, await Store.ReadAllBytesAsync("checkpoints/c"));
        Assert.Equal(["checkpoints/c"], await ListAsync(""));
    }

    [Fact]
    public async Task A_streamed_write_cancelled_midway_leaves_the_old_content()
    {
        byte[] old = [7];
        await Store.WriteAsync("checkpoints/d", old);
        using var cancellation = new CancellationTokenSource();
        var source = new GeneratedStream(16L << 20, seed: 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync("checkpoints/d", async (target, token) =>
        {
            byte[] piece = new byte[64 << 10];
            for (long written = 0; ; written += piece.Length)
            {
                if (written >= 2L << 20)
                {
                    await cancellation.CancelAsync();
                }

                await source.ReadExactlyAsync(piece, token);
                await target.WriteAsync(piece, token);
            }
        }, cancellation.Token));

        Assert.Equal(old, await Store.ReadAllBytesAsync("checkpoints/d"));
        Assert.Equal(["checkpoints/d"], await ListAsync(""));
    }
}
