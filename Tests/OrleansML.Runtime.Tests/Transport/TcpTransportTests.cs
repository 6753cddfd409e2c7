using System.Buffers;
using System.Buffers.Binary;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Tests.Transport;

public class TcpTransportTests
{
    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        return bytes;
    }

    private static byte[] Index(int i)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, i);
        return header;
    }

    [Fact]
    public async Task Frames_round_trip_in_order_with_varied_sizes()
    {
        await using var a = await TransportNode.StartAsync();
        await using var b = await TransportNode.StartAsync();
        int[] sizes = [0, 1, 7, 100, 4096, 65_535, 65_536, 300_000, 4 * 1024 * 1024, 0, 13, 4 * 1024 * 1024 + 3];
        const int count = 120;
        for (int i = 0; i < count; i++)
        {
            await a.Transport.SendAsync(b.Id, new BytesFrame(Index(i), Pattern(sizes[i % sizes.Length], i)), CancellationToken.None);
        }

        for (int i = 0; i < count; i++)
        {
            ReceivedFrame frame = await b.ReceiveAsync();
            Assert.Equal(a.Id, frame.From);
            Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(frame.Header));
            Assert.Equal(Pattern(sizes[i % sizes.Length], i), frame.Body);
        }

        Assert.Equal(1, a.Transport.ConnectionCount);
        Assert.Equal(1, b.Transport.ConnectionCount);
    }

    [Fact]
    public async Task Concurrent_first_sends_share_one_connection()
    {
        await using var a = await TransportNode.StartAsync();
        await using var b = await TransportNode.StartAsync();
        const int senders = 64;
        using var start = new ManualResetEventSlim();
        Task[] sends = Enumerable.Range(0, senders).Select(i => Task.Run(async () =>
        {
            start.Wait();
            await a.Transport.SendAsync(b.Id, new BytesFrame(Index(i), Pattern(i, i)), CancellationToken.None);
        })).ToArray();
        start.Set();
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10));

        var seen = new HashSet<int>();
        for (int i = 0; i < senders; i++)
        {
            ReceivedFrame frame = await b.ReceiveAsync();
            int index = BinaryPrimitives.ReadInt32LittleEndian(frame.Header);
            Assert.Equal(Pattern(index, index), frame.Body);
            Assert.True(seen.Add(index));
        }

        Assert.Equal(1, a.Transport.ConnectionCount);
        Assert.Equal(1, b.Transport.ConnectionCount);
        Assert.Single(a.Logger.Entries, e => e.Id.Id == 2011); // Connected.
        Assert.Single(b.Logger.Entries, e => e.Id.Id == 2012); // Accepted.
    }

    [Fact]
    public async Task Replies_go_back_on_the_accepted_connection()
    {
        await using var a = await TransportNode.StartAsync();
        await using var b = await TransportNode.StartAsync();
        b.EchoBodies();
        await a.Transport.SendAsync(b.Id, new BytesFrame([1, 2], [3, 4, 5]), CancellationToken.None);
        ReceivedFrame echo = await a.ReceiveAsync();
        Assert.Equal(b.Id, echo.From);
        Assert.Equal(new byte[] { 3, 4, 5 }, echo.Body);
        Assert.Equal(1, a.Transport.ConnectionCount);
        Assert.Equal(1, b.Transport.ConnectionCount);
    }

    [Fact]
    public async Task Oversize_frame_fails_only_its_call_and_the_connection_serves_the_next()
    {
        await using var a = await TransportNode.StartAsync(o => o.MaxBodyBytes = 1024 * 1024);
        await using var b = await TransportNode.StartAsync(o => o.MaxBodyBytes = 1024 * 1024);
        await a.Transport.SendAsync(b.Id, new BytesFrame(Index(1), Pattern(10, 1)), CancellationToken.None);
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian((await b.ReceiveAsync()).Header));

        var oversize = new ClaimedSizeFrame(16, (1024 * 1024) + 1);
        // Thrown synchronously by the call itself, before anything is queued.
        Task? queued = null;
        Exception? error = Record.Exception(() => { queued = a.Transport.SendAsync(b.Id, oversize, CancellationToken.None).AsTask(); });
        Assert.IsType<FrameTooLargeException>(error);
        Assert.Null(queued);
        Assert.Contains("MaxBodyBytes", error.Message, StringComparison.Ordinal);
        Assert.False(oversize.Written);
        error = Record.Exception(() => { queued = a.Transport.SendAsync(b.Id, new ClaimedSizeFrame(TransportOptions.DefaultMaxHeaderBytes + 1, 0), CancellationToken.None).AsTask(); });
        Assert.IsType<FrameTooLargeException>(error);
        Assert.Contains("MaxHeaderBytes", error.Message, StringComparison.Ordinal);

        await a.Transport.SendAsync(b.Id, new BytesFrame(Index(2), Pattern(1024 * 1024, 2)), CancellationToken.None);
        ReceivedFrame next = await b.ReceiveAsync();
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(next.Header));
        Assert.Equal(Pattern(1024 * 1024, 2), next.Body);
        Assert.Equal(1, a.Transport.ConnectionCount);
        Assert.False(a.Closed.Reader.TryRead(out _));
        Assert.False(b.Closed.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Simultaneous_open_from_both_sides_delivers_everything_and_settles_on_one_connection()
    {
        await using var a = await TransportNode.StartAsync();
        await using var b = await TransportNode.StartAsync();
        const int perSide = 50;
        Task fromA = Task.Run(async () =>
        {
            for (int i = 0; i < perSide; i++)
            {
                await a.Transport.SendAsync(b.Id, new BytesFrame(Index(i), [1]), CancellationToken.None);
            }
        });
        Task fromB = Task.Run(async () =>
        {
            for (int i = 0; i < perSide; i++)
            {
                await b.Transport.SendAsync(a.Id, new BytesFrame(Index(i), [2]), CancellationToken.None);
            }
        });
        await Task.WhenAll(fromA, fromB).WaitAsync(TimeSpan.FromSeconds(10));

        foreach (TransportNode receiver in new[] { a, b })
        {
            var indices = new HashSet<int>();
            for (int i = 0; i < perSide; i++)
            {
                indices.Add(BinaryPrimitives.ReadInt32LittleEndian((await receiver.ReceiveAsync()).Header));
            }

            Assert.Equal(perSide, indices.Count);
        }

        // A duplicate from the race is retired and closes; no failure is reported for it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((a.Transport.ConnectionCount != 1 || b.Transport.ConnectionCount != 1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, a.Transport.ConnectionCount);
        Assert.Equal(1, b.Transport.ConnectionCount);
        Assert.False(a.Closed.Reader.TryRead(out _));
        Assert.False(b.Closed.Reader.TryRead(out _));
        await a.Transport.SendAsync(b.Id, new BytesFrame(Index(99), [3]), CancellationToken.None);
        Assert.Equal(99, BinaryPrimitives.ReadInt32LittleEndian((await b.ReceiveAsync()).Header));
    }
}
