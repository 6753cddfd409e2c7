using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Runtime;
using OrleansML.Runtime.Transport;

namespace OrleansML.Benchmarks.Transport;

/// <summary>
/// The same measurements as <see cref="RawTcpBaseline"/>, through two <see cref="TcpTransport"/> instances
/// (request/response is a frame echo). Server and client are separate so each can run in its own process.
/// </summary>
internal static class TransportLink
{
    /// <summary>
    /// Starts an echo transport, prints "transport-server listening host:port:generation", serves until cancelled.
    /// </summary>
    public static async Task RunTransportServerAsync(TransportOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        await using TcpTransport server = await StartServerAsync(options);
        await output.WriteLineAsync($"transport-server listening {server.LocalSilo}");
        await output.FlushAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Starts a transport that echoes Echo and Sync frames and consumes Sink frames.</summary>
    public static async Task<TcpTransport> StartServerAsync(TransportOptions options)
    {
        var server = new TcpTransport(options, NullLogger<TcpTransport>.Instance, TimeProvider.System);
        await server.StartAsync(
            frame =>
            {
                byte kind = frame.Header.FirstSpan[0];
                if (kind == BenchmarkFrameKind.Sink)
                {
                    return default;
                }

                // Copied: the frame's memory is only valid until the handler returns, and the send may complete later.
                return server.SendAsync(frame.From, new ArrayFrame(frame.Header.ToArray(), frame.Body.ToArray()), CancellationToken.None);
            },
            CancellationToken.None);
        return server;
    }

    /// <summary>Connects a client transport (a silo of its own) to <paramref name="server"/> and runs the three measurements once.</summary>
    public static async Task<LinkFigures> RunTransportClientAsync(SiloAddress server, TransportOptions options, TransportBenchmarkSettings settings)
    {
        var replies = new ReplySink();
        await using var client = new TcpTransport(options, NullLogger<TcpTransport>.Instance, TimeProvider.System);
        await client.StartAsync(replies.OnFrame, CancellationToken.None);
        var peer = PeerId.ForSilo(server);
        var request = new ArrayFrame(Header(BenchmarkFrameKind.Echo), new byte[settings.SmallBodyBytes]);

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < settings.WarmUp)
        {
            await RoundTripAsync(client, peer, request, replies);
        }

        var samples = new long[settings.RoundTrips];
        for (int i = 0; i < samples.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await RoundTripAsync(client, peer, request, replies);
            samples[i] = Stopwatch.GetTimestamp() - start;
        }

        (double p50, double p99) = Percentiles.Of(samples);

        // Many in flight: a window of requests, refilled as replies arrive.
        using var window = new SemaphoreSlim(settings.Window);
        replies.OnReply = () => window.Release();
        clock.Restart();
        for (int i = 0; i < settings.PipelinedRequests; i++)
        {
            await window.WaitAsync();
            await client.SendAsync(peer, request, CancellationToken.None);
        }

        for (int i = 0; i < settings.Window; i++)
        {
            await window.WaitAsync();
        }

        double framesPerSecond = settings.PipelinedRequests / clock.Elapsed.TotalSeconds;
        replies.OnReply = null;

        var bulk = new ArrayFrame(Header(BenchmarkFrameKind.Sink), new byte[settings.BulkBytes]);
        Random.Shared.NextBytes(bulk.Body);
        clock.Restart();
        for (int i = 0; i < settings.BulkMessages; i++)
        {
            await client.SendAsync(peer, bulk, CancellationToken.None);
        }

        await RoundTripAsync(client, peer, new ArrayFrame(Header(BenchmarkFrameKind.Sync), []), replies);
        double gbps = (double)settings.BulkMessages * settings.BulkBytes / clock.Elapsed.TotalSeconds / 1e9;
        return new LinkFigures(p50, p99, framesPerSecond, gbps);
    }

    private static async Task RoundTripAsync(TcpTransport client, PeerId peer, ArrayFrame request, ReplySink replies)
    {
        Task reply = replies.Expect();
        await client.SendAsync(peer, request, CancellationToken.None);
        await reply;
    }

    private static byte[] Header(byte kind)
    {
        byte[] header = new byte[BenchmarkFrameKind.HeaderBytes];
        header[0] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 0);
        return header;
    }

    /// <summary>A frame over two arrays.</summary>
    private sealed class ArrayFrame(byte[] header, byte[] body) : OutgoingFrame
    {
        public byte[] Body => body;

        public override int HeaderLength => header.Length;

        public override int BodyLength => body.Length;

        public override void WriteTo(IBufferWriter<byte> output)
        {
            output.Write(header);
            output.Write(body);
        }
    }

    /// <summary>Completes the awaited reply (one in flight) or counts replies (many in flight).</summary>
    private sealed class ReplySink
    {
        private TaskCompletionSource? _pending;

        public Action? OnReply { get; set; }

        public Task Expect()
        {
            // Continuations run inline on the receive loop, as a runtime completing a response callback would.
            var pending = new TaskCompletionSource();
            _pending = pending;
            return pending.Task;
        }

        public ValueTask OnFrame(IncomingFrame frame)
        {
            if (OnReply is { } onReply)
            {
                onReply();
            }
            else
            {
                Interlocked.Exchange(ref _pending, null)?.TrySetResult();
            }

            return default;
        }
    }
}
