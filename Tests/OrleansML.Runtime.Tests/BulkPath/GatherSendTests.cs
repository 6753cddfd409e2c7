using System.Buffers;
using System.Buffers.Binary;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Tests.Transport;

namespace OrleansML.Runtime.Tests.BulkPath;

/// <summary>Large pooled bodies go from their own chunks to the socket (gather send) while small frames use the pipe.</summary>
public class GatherSendTests
{
    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 13) + seed);
        }

        return bytes;
    }

    private static byte[] Index(int i)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, i);
        return header;
    }

    private static int SizeOf(int i) => (i % 4) switch
    {
        0 => (4 * 1024 * 1024) + 5, // Several pooled chunks, gathered.
        1 => 17,                    // Through the pipe.
        2 => 256 * 1024,            // Exactly the gather threshold.
        _ => 300_001,
    };

    [Fact]
    public async Task Gathered_and_piped_frames_arrive_whole_and_in_order()
    {
        await using var a = await TransportNode.StartAsync();
        await using var b = await TransportNode.StartAsync();
        const int count = 24;
        for (int i = 0; i < count; i++)
        {
            int size = SizeOf(i);
            if (size > 1000)
            {
                using var body = new PooledBody();
                body.Write(Pattern(size, i));
                Assert.Equal(size, body.Length);
                await a.Transport.SendAsync(b.Id, new PooledMessageFrame(Index(i), body), CancellationToken.None);
            }
            else
            {
                await a.Transport.SendAsync(b.Id, new BytesFrame(Index(i), Pattern(size, i)), CancellationToken.None);
            }
        }

        for (int i = 0; i < count; i++)
        {
            ReceivedFrame frame = await b.ReceiveAsync();
            Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(frame.Header));
            Assert.Equal(Pattern(SizeOf(i), i), frame.Body);
        }

        Assert.Equal(1, a.Transport.ConnectionCount);
    }

    [Fact]
    public async Task Concurrent_gathered_and_small_senders_keep_every_frame_contiguous()
    {
        await using var a = await TransportNode.StartAsync();
        await using var b = await TransportNode.StartAsync();
        const int senders = 8;
        const int perSender = 6;
        Task[] sends = Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            for (int k = 0; k < perSender; k++)
            {
                int id = (s * perSender) + k;
                int size = (s % 2 == 0) ? (1024 * 1024) + id : id;
                using var body = new PooledBody();
                body.Write(Pattern(size, id));
                await a.Transport.SendAsync(b.Id, new PooledMessageFrame(Index(id), body), CancellationToken.None);
            }
        })).ToArray();
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(20));

        var lastFromSender = Enumerable.Repeat(-1, senders).ToArray();
        for (int i = 0; i < senders * perSender; i++)
        {
            ReceivedFrame frame = await b.ReceiveAsync();
            int id = BinaryPrimitives.ReadInt32LittleEndian(frame.Header);
            int s = id / perSender;
            Assert.Equal(Pattern((s % 2 == 0) ? (1024 * 1024) + id : id, id), frame.Body);
            Assert.True(id > lastFromSender[s], "one sender's frames arrive in its order");
            lastFromSender[s] = id;
        }
    }
}
