using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OrleansML.Runtime.Threading;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// A socket between two pipes: a receive loop fills <see cref="Input"/>, a send loop drains <see cref="Output"/>.
/// This is the only type that touches the socket. It knows nothing of frames or peers.
/// </summary>
/// <remarks>
/// Why pipes: the receive loop reads as much as the kernel has into pooled segments, so many small frames cost
/// one syscall, and a 4 MiB body is parsed in place (a multi-segment sequence, no copy). The send loop takes
/// everything flushed since its last write and hands it to the kernel in one gather write, so senders never make
/// a syscall per frame while the loop is busy. Backpressure: the output pipe pauses writers above the send queue
/// limit; the input pipe pauses the receive loop once it holds more than one maximum frame unconsumed (it must
/// hold at least one whole frame, or a large frame could never complete).
/// </remarks>
internal sealed partial class SocketConnection
{
    // Linux accepts up to 1024 iovecs per sendmsg; 256 x 64 KiB segments already cover the 16 MiB default queue.
    private const int MaxSegmentsPerSend = 256;

    // The largest single read: a 4 MiB tensor then takes a few receive calls instead of 64 (see ReceiveHint).
    private const int MaxReceiveChunk = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly int _receiveSegment;
    private readonly TransportMetrics _metrics;
    private readonly ReceiveThreadWork? _handOffs;
    private readonly List<ArraySegment<byte>> _sendSegments = new(MaxSegmentsPerSend);
    private Task _receiveLoop = Task.CompletedTask;
    private Task _sendLoop = Task.CompletedTask;
    private int _aborted;
    private int _receiveHint;
    private TaskCompletionSource<bool>? _drain; // Set by the frame writer (under its lock), completed by the send loop.

    public SocketConnection(Socket socket, TransportOptions options, TransportMetrics metrics)
    {
        _socket = socket;
        _metrics = metrics;
        _receiveSegment = options.ReceiveSegmentBytes;
        _handOffs = options.ReceiveThreadHandOffs ? new ReceiveThreadWork() : null;
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        long maxFrame = FrameCodec.PrefixLength + (long)options.MaxHeaderBytes + options.MaxBodyBytes;
        long inputPause = Math.Max(maxFrame + _receiveSegment, 2L * _receiveSegment);

        // Input: the frame reader runs inline on the receive loop's flush, saving a thread hop per read; it awaits
        // its handler, so a slow handler only pauses this connection.
        _input = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: inputPause,
            resumeWriterThreshold: inputPause / 2,
            minimumSegmentSize: _receiveSegment,
            useSynchronizationContext: false));

        // Output: the send loop runs on the thread pool so that a sender's flush only signals it; frames flushed
        // while it is inside a syscall are batched into its next gather write. A flush made by work that a receive
        // thread runs (a reply) resumes the idle send loop on that thread instead (ReceiveThreadWork).
        _output = new Pipe(new PipeOptions(
            readerScheduler: options.ReceiveThreadHandOffs ? HandOffPipeScheduler.Instance : PipeScheduler.ThreadPool,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: options.SendQueueLimitBytes,
            resumeWriterThreshold: options.SendQueueLimitBytes / 2,
            minimumSegmentSize: 64 * 1024,
            useSynchronizationContext: false));
    }

    /// <summary>Bytes received from the peer.</summary>
    public PipeReader Input => _input.Reader;

    /// <summary>Bytes to send to the peer. Not thread-safe: the owner serialises writers.</summary>
    public PipeWriter Output => _output.Writer;

    /// <summary>The peer's endpoint.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>
    /// Bytes the reader still needs to complete the frame it is waiting for (0 when none). The next read asks for
    /// that much (capped), so a large body arrives in few large reads, while small frames keep small buffers.
    /// </summary>
    public int ReceiveHint
    {
        get => Volatile.Read(ref _receiveHint);
        set => Volatile.Write(ref _receiveHint, value);
    }

    /// <summary>Completes when both loops have ended.</summary>
    public Task Completion => Task.WhenAll(_receiveLoop, _sendLoop);

    /// <summary>Applies the socket options every transport socket gets.</summary>
    public static void Configure(Socket socket, TransportOptions options)
    {
        socket.NoDelay = options.NoDelay;
        if (options.SocketSendBufferBytes > 0)
        {
            socket.SendBufferSize = options.SocketSendBufferBytes;
        }

        if (options.SocketReceiveBufferBytes > 0)
        {
            socket.ReceiveBufferSize = options.SocketReceiveBufferBytes;
        }
    }

    /// <summary>Starts both loops. Called once.</summary>
    public void Start()
    {
        _receiveLoop = ReceiveLoopAsync();
        _sendLoop = SendLoopAsync();
    }

    /// <summary>
    /// Graceful close: the caller has completed <see cref="Output"/>; waits for queued bytes to go out (FIN follows),
    /// then for the peer's FIN, at most <paramref name="timeout"/>, then closes the socket.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout, TimeProvider time)
    {
        try
        {
            await Completion.WaitAsync(timeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The peer neither read nor closed in time: reset.
            Abort();
            await Completion.ConfigureAwait(false);
            return;
        }

        // Both FINs exchanged: a plain close (no linger change) lets the kernel deliver what it still holds.
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            _socket.Dispose();
        }
    }

    /// <summary>Closes the socket at once with a reset; both loops end. Idempotent.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already closed by the kernel: nothing to reset.
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }

        _socket.Dispose();

        // The send loop waits on the pipe, not the socket: wake it so it sees the abort and ends.
        try
        {
            _output.Reader.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
            // The send loop already ended and completed the reader.
        }
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        PipeWriter writer = _input.Writer;
        try
        {
            while (true)
            {
                Memory<byte> memory = writer.GetMemory(Math.Clamp(ReceiveHint, _receiveSegment, Math.Max(MaxReceiveChunk, _receiveSegment)));
                ValueTask<int> receiving = _socket.ReceiveAsync(memory, SocketFlags.None);
                int received = _handOffs is null ? await receiving.ConfigureAwait(false) : await _handOffs.WhilePending(receiving);
                if (received == 0)
                {
                    break; // The peer sent FIN.
                }

                writer.Advance(received);
                _metrics.BytesReceived(received);

                // The frame reader runs inside the flush (inline reader scheduler), so its frames' first hand-off is
                // collected for this thread to run once the next read is pending.
                ValueTask<FlushResult> flushing = _handOffs is null ? writer.FlushAsync() : _handOffs.FlushCollecting(writer);
                FlushResult flush = await flushing.ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break; // The frame reader stopped.
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            // After a local abort the error is ours, not the peer's.
            error = Volatile.Read(ref _aborted) != 0 ? null : ex;
        }
        finally
        {
            _handOffs?.Release();
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        Exception? error = null;
        PipeReader reader = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    await SendAllAsync(buffer).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || (result.IsCanceled && Volatile.Read(ref _aborted) != 0))
                {
                    break;
                }

                if (result.IsCanceled)
                {
                    // A drain request: everything flushed before it was in this buffer and is now sent.
                    Interlocked.Exchange(ref _drain, null)?.TrySetResult(true);
                }
            }

            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            error = Volatile.Read(ref _aborted) != 0 ? null : ex;

            // A socket that cannot send is broken both ways: end the receive loop too.
            Abort();
        }
        finally
        {
            // Completing the reader wakes any sender waiting on backpressure (its flush reports completion).
            await reader.CompleteAsync(error).ConfigureAwait(false);
            Interlocked.Exchange(ref _drain, null)?.TrySetResult(false);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int sent;
            if (buffer.IsSingleSegment || !MemoryMarshal.TryGetArray(buffer.First, out ArraySegment<byte> _))
            {
                sent = await _socket.SendAsync(buffer.First, SocketFlags.None).ConfigureAwait(false);
            }
            else
            {
                _sendSegments.Clear();
                foreach (ReadOnlyMemory<byte> memory in buffer)
                {
                    if (_sendSegments.Count == MaxSegmentsPerSend || !MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment))
                    {
                        break;
                    }

                    if (segment.Count > 0)
                    {
                        _sendSegments.Add(segment);
                    }
                }

                sent = await _socket.SendAsync(_sendSegments, SocketFlags.None).ConfigureAwait(false);
            }

            if (sent <= 0)
            {
                throw new IOException("The socket accepted no bytes of a non-empty send.");
            }

            _metrics.BytesSent(sent);
            buffer = buffer.Slice(sent);
        }
    }
}
