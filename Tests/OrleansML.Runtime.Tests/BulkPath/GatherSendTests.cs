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

    [Fact]
    public async Task A_gathered_frame_that_misstates_its_size_fails_alone_and_the_connection_goes_on()
    {
        await using var a = await TransportNode.StartAsync();
        await using var b = await TransportNode.StartAsync();
        await a.Transport.SendAsync(b.Id, new BytesFrame(Index(1), Pattern(17, 1)), CancellationToken.None);

        // Nothing of a gathered frame is sent before its sizes are checked: the lie costs only its own send.
        var lying = new MisstatedGatherFrame(Index(2), Pattern(300_000, 2));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await a.Transport.SendAsync(b.Id, lying, CancellationToken.None));
        Assert.Contains("was not sent", error.Message, StringComparison.Ordinal);

        using var body = new PooledBody();
        body.Write(Pattern(300_001, 3));
        await a.Transport.SendAsync(b.Id, new PooledMessageFrame(Index(3), body), CancellationToken.None);
        foreach (int expected in new[] { 1, 3 })
        {
            ReceivedFrame frame = await b.ReceiveAsync();
            Assert.Equal(expected, BinaryPrimitives.ReadInt32LittleEndian(frame.Header));
            Assert.Equal(Pattern(expected == 1 ? 17 : 300_001, expected), frame.Body);
        }

        Assert.Equal(1, a.Transport.ConnectionCount);
    }

    /// <summary>Declares one byte more body than it gathers.</summary>
    private sealed class MisstatedGatherFrame(byte[] header, byte[] body) : OrleansML.Runtime.Transport.OutgoingFrame, OrleansML.Runtime.Transport.IGatherFrame
    {
        public override int HeaderLength => header.Length;

        public override int BodyLength => body.Length + 1;

        public override void WriteTo(IBufferWriter<byte> output) => throw new InvalidOperationException("gathered frames are not piped");

        public void WriteHeader(IBufferWriter<byte> output) => output.Write(header);

        public void AppendBody(List<ArraySegment<byte>> segments) => segments.Add(new ArraySegment<byte>(body));
    }
}
