using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Networking.Shared;
using OrleansML.Grains.Hosting.Transport;

namespace OrleansML.Training.Tests.Transport;

/// <summary>Bulk connections over loopback TCP: what one side writes, the other reads, byte for byte; closing.</summary>
public sealed class BulkSocketConnectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(1, 16 * 1024)]
    [InlineData(4 * 1024 * 1024 + 7, 16 * 1024)]
    [InlineData(4 * 1024 * 1024 + 7, 1024 * 1024)]
    [InlineData(4 * 1024 * 1024 + 7, 8 * 1024 * 1024)]
    public async Task Bytes_written_on_one_side_are_read_unchanged_on_the_other_in_both_directions(int length, int sendSegmentSize)
    {
        await using Pair pair = await Pair.ConnectAsync(segmentSize: 16 * 1024, sendSegmentSize);
        byte[] outbound = Pattern(length, seed: 1);
        byte[] inbound = Pattern(length, seed: 2);

        Task<byte[]> atServer = ReadExactlyAsync(pair.Server.Transport.Input, length);
        Task<byte[]> atClient = ReadExactlyAsync(pair.Client.Transport.Input, length);
        await WriteInPiecesAsync(pair.Client.Transport.Output, outbound);
        await WriteInPiecesAsync(pair.Server.Transport.Output, inbound);

        Assert.Equal(outbound, await atServer.WaitAsync(Patience));
        Assert.Equal(inbound, await atClient.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_message_written_into_the_send_pipes_first_memory_fits_a_whole_send_segment_and_arrives_whole()
    {
        const int sendSegment = 1024 * 1024;
        await using Pair pair = await Pair.ConnectAsync(segmentSize: 16 * 1024, sendSegment);
        byte[] message = Pattern(sendSegment - 100, seed: 3);
        Task<byte[]> atServer = ReadExactlyAsync(pair.Server.Transport.Input, message.Length);

        // As Orleans' message writer asks: its header's size, then the body into the rest of the same memory.
        Memory<byte> memory = pair.Client.Transport.Output.GetMemory(8 + 4096);
        Assert.True(memory.Length >= sendSegment, $"the send pipe offered {memory.Length} bytes, not a whole {sendSegment}-byte segment");
        message.CopyTo(memory);
        pair.Client.Transport.Output.Advance(message.Length);
        await pair.Client.Transport.Output.FlushAsync();

        Assert.Equal(message, await atServer.WaitAsync(Patience));
    }

    [Fact]
    public async Task Aborting_one_side_ends_the_other_sides_input_and_signals_connection_closed_on_both()
    {
        await using Pair pair = await Pair.ConnectAsync(segmentSize: 16 * 1024);
        var clientClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Client.ConnectionClosed.Register(() => clientClosed.TrySetResult());
        pair.Server.ConnectionClosed.Register(() => serverClosed.TrySetResult());

        pair.Client.Abort(new ConnectionAbortedException("test"));

        bool ended;
        try
        {
            ReadResult result = await pair.Server.Transport.Input.ReadAsync().AsTask().WaitAsync(Patience);
            ended = result.IsCompleted;
        }
        catch (ConnectionResetException)
        {
            ended = true;
        }

        Assert.True(ended);
        await clientClosed.Task.WaitAsync(Patience);
        await serverClosed.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_connection_offers_its_pool_id_and_lifetime_as_features_and_its_endpoints()
    {
        await using Pair pair = await Pair.ConnectAsync(segmentSize: 16 * 1024);

        Assert.Equal(16 * 1024, pair.Client.Features.Get<IMemoryPoolFeature>()!.MemoryPool.MaxBufferSize);
        Assert.Equal(pair.Client.ConnectionId, pair.Client.Features.Get<IConnectionIdFeature>()!.ConnectionId);
        Assert.NotNull(pair.Client.Features.Get<IConnectionLifetimeFeature>());
        Assert.Equal(pair.Listener.EndPoint, pair.Client.RemoteEndPoint);
        Assert.Equal(pair.Client.LocalEndPoint, pair.Server.RemoteEndPoint);
    }

    [Fact]
    public async Task An_unbound_listener_accepts_nothing_more()
    {
        await using Pair pair = await Pair.ConnectAsync(segmentSize: 16 * 1024);

        await pair.Listener.UnbindAsync();

        Assert.Null(await pair.Listener.AcceptAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Connecting_to_a_port_nobody_listens_on_fails_naming_the_endpoint()
    {
        var factory = new BulkConnectionFactory(Transport(16 * 1024, 16 * 1024));
        var closed = new IPEndPoint(IPAddress.Loopback, Client.Support.ClosedPort.Find());

        var error = await Assert.ThrowsAsync<SocketConnectionException>(() => factory.ConnectAsync(closed).AsTask());

        Assert.Contains(closed.ToString(), error.Message, StringComparison.Ordinal);
    }

    private static BulkTransport Transport(int segmentSize, int sendSegmentSize) =>
        new(new TransportSettings { SegmentSize = segmentSize, SendSegmentSize = sendSegmentSize }, Options.Create(new SocketConnectionOptions()), NullLoggerFactory.Instance);

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes as Orleans' message writer does: many small writes, a flush now and then.</summary>
    private static async Task WriteInPiecesAsync(PipeWriter output, byte[] bytes)
    {
        int offset = 0;
        var random = new Random(bytes.Length);
        while (offset < bytes.Length)
        {
            int piece = Math.Min(bytes.Length - offset, random.Next(1, 100_000));
            bytes.AsSpan(offset, piece).CopyTo(output.GetSpan(piece));
            output.Advance(piece);
            offset += piece;
            if (random.Next(3) == 0 || offset == bytes.Length)
            {
                await output.FlushAsync();
            }
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader input, int length)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            if (result.Buffer.Length >= length)
            {
                byte[] bytes = result.Buffer.Slice(0, length).ToArray();
                input.AdvanceTo(result.Buffer.GetPosition(length));
                return bytes;
            }

            Assert.False(result.IsCompleted, $"the connection ended after {result.Buffer.Length} of {length} bytes");
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private sealed class Pair : IAsyncDisposable
    {
        private Pair(IConnectionListener listener, ConnectionContext client, ConnectionContext server)
        {
            Listener = listener;
            Client = client;
            Server = server;
        }

        public IConnectionListener Listener { get; }

        public ConnectionContext Client { get; }

        public ConnectionContext Server { get; }

        public static async Task<Pair> ConnectAsync(int segmentSize, int sendSegmentSize = 16 * 1024)
        {
            BulkTransport transport = Transport(segmentSize, sendSegmentSize);
            IConnectionListener listener = await new BulkConnectionListenerFactory(transport).BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            ValueTask<ConnectionContext?> accepting = listener.AcceptAsync();
            ConnectionContext client = await new BulkConnectionFactory(transport).ConnectAsync(listener.EndPoint);
            ConnectionContext server = (await accepting.AsTask().WaitAsync(Patience))!;
            return new Pair(listener, client, server);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Abort();
            Server.Abort();
            await Client.DisposeAsync();
            await Server.DisposeAsync();
            await Listener.DisposeAsync();
        }
    }
}
