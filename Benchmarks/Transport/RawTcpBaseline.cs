using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace OrleansML.Benchmarks.Transport;

/// <summary>
/// The raw TCP baseline: two plain sockets, frames with the same 8-byte prefix (header length, body length) as
/// Orleans' messages, no pipes, no handshake, no framework: the floor any transport on this machine pays. The server
/// half runs in its own process (<see cref="RawServerProcess"/>), the client half in the benchmark's.
/// </summary>
internal static class RawTcpBaseline
{
    /// <summary>Listens on <paramref name="port"/> (0 = any), prints "raw-server listening host:port", serves until cancelled.</summary>
    public static async Task RunRawServerAsync(int port, TextWriter output, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(16);
        await output.WriteLineAsync($"raw-server listening {listener.LocalEndPoint}");
        await output.FlushAsync(cancellationToken);
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Socket socket = await listener.AcceptAsync(cancellationToken);
                socket.NoDelay = true;
                connections.Add(Task.Run(() => ServeAsync(socket, cancellationToken), cancellationToken));
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        await Task.WhenAll(connections).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Connects to a raw server and runs both measurements once: sequential round trips of a small frame, then
    /// <see cref="TransportBenchmarkSettings.BulkMessages"/> one-way 4 MiB frames closed by one echoed frame.</summary>
    public static async Task<RawFigures> RunRawClientAsync(IPEndPoint server, TransportBenchmarkSettings settings, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken);
        var reader = new RawFrameReader(socket);
        byte[] request = Frame(BenchmarkFrameKind.Echo, settings.SmallBodyBytes);

        await WarmUpAsync(socket, reader, request, settings.WarmUp);
        var samples = new long[settings.RoundTrips];
        for (int i = 0; i < samples.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await socket.SendAsync(request, SocketFlags.None);
            await reader.ReadFrameAsync();
            samples[i] = Stopwatch.GetTimestamp() - start;
        }

        (double p50, double p99) = Percentiles.Of(samples);
        double bulk = await BulkAsync(socket, reader, settings);
        return new RawFigures(p50, p99, bulk);
    }

    private static async Task WarmUpAsync(Socket socket, RawFrameReader reader, byte[] request, TimeSpan warmUp)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < warmUp)
        {
            await socket.SendAsync(request, SocketFlags.None);
            await reader.ReadFrameAsync();
        }
    }

    private static async Task<double> BulkAsync(Socket socket, RawFrameReader reader, TransportBenchmarkSettings settings)
    {
        byte[] head = new byte[8 + BenchmarkFrameKind.HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(head, BenchmarkFrameKind.HeaderBytes);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(4), settings.BulkBytes);
        head[8] = BenchmarkFrameKind.Sink;
        byte[] body = new byte[settings.BulkBytes];
        Random.Shared.NextBytes(body);
        var message = new List<ArraySegment<byte>> { head, body };
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < settings.BulkMessages; i++)
        {
            await socket.SendAsync(message, SocketFlags.None);
        }

        await socket.SendAsync(Frame(BenchmarkFrameKind.Sync, 0), SocketFlags.None);
        await reader.ReadFrameAsync();
        return (double)settings.BulkMessages * settings.BulkBytes / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static byte[] Frame(byte kind, int bodyBytes)
    {
        byte[] frame = new byte[8 + BenchmarkFrameKind.HeaderBytes + bodyBytes];
        BinaryPrimitives.WriteInt32LittleEndian(frame, BenchmarkFrameKind.HeaderBytes);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), bodyBytes);
        frame[8] = kind;
        return frame;
    }

    private static async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        using (socket)
        using (cancellationToken.Register(socket.Dispose))
        {
            var reader = new RawFrameReader(socket);
            var replies = new MemoryStream();
            try
            {
                while (true)
                {
                    // Replies to every frame already received go out together (one send per receive, not per frame).
                    ReadOnlyMemory<byte> frame = await reader.ReadFrameAsync();
                    while (true)
                    {
                        if (frame.Span[8] is BenchmarkFrameKind.Echo or BenchmarkFrameKind.Sync)
                        {
                            replies.Write(frame.Span);
                        }

                        if (!reader.HasBufferedFrame)
                        {
                            break;
                        }

                        frame = await reader.ReadFrameAsync();
                    }

                    if (replies.Length > 0)
                    {
                        await socket.SendAsync(replies.GetBuffer().AsMemory(0, (int)replies.Length), SocketFlags.None, cancellationToken);
                        replies.SetLength(0);
                    }
                }
            }
            catch (Exception ex) when (ex is EndOfStreamException or SocketException or ObjectDisposedException)
            {
                // The client went away.
            }
        }
    }
}

/// <summary>Reads whole length-prefixed frames from a socket through one reusable buffer (one receive usually holds many small frames).</summary>
internal sealed class RawFrameReader(Socket socket)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>True when a whole frame is already buffered (reading it makes no syscall).</summary>
    public bool HasBufferedFrame
    {
        get
        {
            int available = _end - _start;
            return available >= 8
                && available >= 8 + BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start)) + BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start + 4));
        }
    }

    /// <summary>The next frame, prefix included; valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadFrameAsync()
    {
        await FillAsync(8);
        int length = 8 + BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start)) + BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start + 4));
        await FillAsync(length);
        var frame = new ReadOnlyMemory<byte>(_buffer, _start, length);
        _start += length;
        return frame;
    }

    private async ValueTask FillAsync(int needed)
    {
        if (_end - _start >= needed)
        {
            return;
        }

        if (_buffer.Length < needed)
        {
            byte[] larger = new byte[Math.Max(needed, _buffer.Length * 2)];
            _buffer.AsSpan(_start, _end - _start).CopyTo(larger);
            _buffer = larger;
            _end -= _start;
            _start = 0;
        }
        else if (_buffer.Length - _start < needed)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        while (_end - _start < needed)
        {
            int received = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
            if (received == 0)
            {
                throw new EndOfStreamException("The peer closed the connection.");
            }

            _end += received;
        }
    }
}
