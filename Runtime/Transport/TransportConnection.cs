using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// One authenticated connection: frames over a <see cref="SocketConnection"/>. Owns frame writing (serialised)
/// and the frame reader loop (ordered delivery).
/// </summary>
/// <remarks>
/// Writers are serialised with a <see cref="SemaphoreSlim"/> rather than a channel: an uncontended send takes the
/// semaphore synchronously and writes its frame straight into the pipe on the caller's thread (no copy, no
/// thread hop), and the send loop batches whatever accumulated. The cost: under contention, senders queue on the
/// semaphore and each pays an async wait, and a large frame's copy into the pipe delays the frames behind it.
/// Invariant: bytes of one frame are contiguous in the pipe, because only the semaphore holder writes, and it
/// writes one whole frame (prefix + exactly HeaderLength + BodyLength bytes) before releasing.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim holds no OS handle unless AvailableWaitHandle is read, which it never is.")]
internal sealed partial class TransportConnection
{
    // Frames up to this size are written into one contiguous pipe buffer. A power of two, because ArrayPool rounds
    // up to one: a larger cap would hold 8 MiB arrays for 4 MiB tensors.
    private const int MaxContiguousFrameBytes = 4 * 1024 * 1024;

    // Bodies from this size on that sit in their own buffers (IGatherFrame) go to the socket straight from them:
    // the saved copy outweighs waiting for the queue to drain first. Small bodies are cheaper to batch in the pipe.
    private const int GatherSendMinBodyBytes = 256 * 1024;

    private readonly SocketConnection _socket;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly TransportMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CountingBufferWriter _counter = new();
    private readonly List<ArraySegment<byte>> _gather = []; // Guarded by _writeLock.
    private Task<FlushResult>? _pendingFlush; // Guarded by _writeLock.
    private bool _outputCompleted; // Guarded by _writeLock.
    private volatile bool _retired;
    private volatile bool _closing;
    private Task _readerLoop = Task.CompletedTask;
    private int _closeStarted;

    public TransportConnection(SocketConnection socket, TransportOptions options, ILogger logger, TransportMetrics metrics, TimeProvider time, bool initiatedLocally)
    {
        _socket = socket;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _time = time;
        InitiatedLocally = initiatedLocally;
    }

    /// <summary>True when this side connected; false when it was accepted.</summary>
    public bool InitiatedLocally { get; }

    /// <summary>The authenticated peer (set once the handshake passed).</summary>
    public PeerId? Peer { get; private set; }

    /// <summary>The peer's endpoint.</summary>
    public IPEndPoint RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>Completes when the reader loop has ended and the socket is closed.</summary>
    public Task Completion => _readerLoop;

    /// <summary>The socket pipes, for the handshake.</summary>
    public PipeReader Input => _socket.Input;

    /// <summary>The socket pipes, for the handshake (before any frame is sent).</summary>
    public PipeWriter Output => _socket.Output;

    /// <summary>Starts delivering frames once the handshake has passed. <paramref name="onClosed"/> runs once at the end.</summary>
    public void StartReading(PeerId peer, Func<IncomingFrame, ValueTask> onFrame, Action<TransportConnection, Exception?> onClosed)
    {
        Debug.Assert(Peer is null, "started once");
        Peer = peer;
        _readerLoop = ReadFramesAsync(onFrame, onClosed);
    }

    /// <summary>
    /// Writes one frame. Returns false, writing nothing, when the connection was retired (the caller picks the
    /// peer's current connection). Throws <see cref="SiloUnavailableException"/> when it is closed.
    /// </summary>
    public async ValueTask<bool> SendAsync(OutgoingFrame frame, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_retired)
            {
                return false;
            }

            // Backpressure: the previous frame left the queue over its limit; wait (cancellably, nothing written yet).
            if (_pendingFlush is { } pending)
            {
                FlushResult previous = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
                _pendingFlush = null;
                ThrowIfClosed(previous.IsCompleted);
            }

            ThrowIfClosed(_outputCompleted || _closing);
            PipeWriter output = _socket.Output;
            int header = frame.HeaderLength;
            int body = frame.BodyLength;
            if (body >= GatherSendMinBodyBytes && frame is IGatherFrame gather)
            {
                await SendGatheredAsync(output, gather, header, body).ConfigureAwait(false);
                return true;
            }

            // Ask for room for the whole frame (up to a cap) first, so a large body is copied into one contiguous
            // pooled buffer and leaves in few iovecs, instead of 64 KiB pieces.
            output.GetSpan((int)Math.Min(FrameCodec.PrefixLength + (long)header + body, MaxContiguousFrameBytes));
            FrameCodec.WritePrefix(output, header, body);
            _counter.Reset(output);
            try
            {
                frame.WriteTo(_counter);
            }
            catch (Exception ex)
            {
                // Part of the frame may be in the pipe and cannot be taken back: the stream is unusable.
                Abort();
                throw new InvalidOperationException($"Writing a frame to {Peer} failed and corrupted its connection, which was closed.", ex);
            }

            if (_counter.Written != (long)header + body)
            {
                Abort();
                throw new InvalidOperationException(
                    $"{frame.GetType().Name}.WriteTo wrote {_counter.Written} bytes but declared {header} + {body}; the connection to {Peer} was closed.");
            }

            _metrics.FrameSent();
            _pipeMayHoldBytes = true;
            ValueTask<FlushResult> flush = output.FlushAsync(CancellationToken.None);
            if (flush.IsCompletedSuccessfully)
            {
                ThrowIfClosed(flush.Result.IsCompleted);
            }
            else
            {
                _pendingFlush = flush.AsTask();
            }

            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Stops sending on this connection (another one to the same peer won). Queued frames still go out, then FIN;
    /// frames keep arriving until the peer closes its side.
    /// </summary>
    public async Task RetireAsync()
    {
        _retired = true;
        await CompleteOutputAsync().ConfigureAwait(false);
    }

    /// <summary>Graceful close: queued frames go out, then the socket closes (bounded by CloseTimeout).</summary>
    public async Task CloseAsync()
    {
        _closing = true;
        await CompleteOutputAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _closeStarted, 1) == 0)
        {
            await _socket.CloseAsync(_options.CloseTimeout, _time).ConfigureAwait(false);
        }

        await _readerLoop.ConfigureAwait(false);
    }

    /// <summary>Closes at once (reset). The reader loop ends and reports.</summary>
    public void Abort()
    {
        _closing = true;
        _socket.Abort();
    }

    private async Task CompleteOutputAsync()
    {
        // A sender stuck on backpressure holds the lock; after CloseTimeout, abort instead of waiting for it.
        using (var timeout = new CancellationTokenSource(_options.CloseTimeout, _time))
        {
            try
            {
                await _writeLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Abort();
                return;
            }
        }

        try
        {
            if (!_outputCompleted)
            {
                _outputCompleted = true;
                await _socket.Output.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ThrowIfClosed(bool closed)
    {
        if (closed)
        {
            throw new SiloUnavailableException($"The connection to {Peer} ({RemoteEndPoint}) is closed.");
        }
    }

    private async Task ReadFramesAsync(Func<IncomingFrame, ValueTask> onFrame, Action<TransportConnection, Exception?> onClosed)
    {
        // Yield so the caller (accept or connect path) registers the connection before the first frame runs.
        await Task.Yield();
        PeerId peer = Peer!;
        PipeReader input = _socket.Input;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                FrameCodec.ReadStatus status;
                string? invalid;
                try
                {
                    while ((status = FrameCodec.TryRead(ref buffer, _options.MaxHeaderBytes, _options.MaxBodyBytes,
                        out ReadOnlySequence<byte> header, out ReadOnlySequence<byte> body, out invalid)) == FrameCodec.ReadStatus.Frame)
                    {
                        _metrics.FrameReceived();
                        await DeliverAsync(onFrame, new IncomingFrame(peer, header, body)).ConfigureAwait(false);
                    }

                    _socket.ReceiveHint = status == FrameCodec.ReadStatus.Incomplete ? (int)Math.Min(FrameCodec.MissingBytes(buffer), int.MaxValue) : 0;
                    if (status == FrameCodec.ReadStatus.Invalid)
                    {
                        _metrics.ProtocolError();
                        LogProtocolError(_logger, peer, RemoteEndPoint, invalid!);
                        error = new InvalidDataException($"Protocol error from {peer} ({RemoteEndPoint}): {invalid}.");
                        break;
                    }
                }
                finally
                {
                    // Handlers have finished with every delivered frame: only now may the pipe reuse that memory.
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    if (!_closing)
                    {
                        error = buffer.IsEmpty
                            ? new IOException($"The connection to {peer} ({RemoteEndPoint}) was closed by the peer.")
                            : new IOException($"The connection to {peer} ({RemoteEndPoint}) was closed in the middle of a frame.");
                    }

                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            error = _closing ? null : ex;
        }

        bool peerClosed = error is IOException && !_closing;
        _closing = true;
        await input.CompleteAsync().ConfigureAwait(false);
        if (error is not null && !peerClosed)
        {
            // A protocol or socket error: the stream cannot be trusted, reset it.
            _socket.Abort();
        }
        else
        {
            // Closed by us or by the peer's FIN: send what is queued, then close in order.
            await CompleteOutputAsync().ConfigureAwait(false);
            if (Interlocked.Exchange(ref _closeStarted, 1) == 0)
            {
                await _socket.CloseAsync(_options.CloseTimeout, _time).ConfigureAwait(false);
            }
        }

        await _socket.Completion.ConfigureAwait(false);
        onClosed(this, error);
    }

    private async ValueTask DeliverAsync(Func<IncomingFrame, ValueTask> onFrame, IncomingFrame frame)
    {
        try
        {
            await onFrame(frame).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A handler bug must not take the connection (and every call on it) down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, frame.From, ex);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Protocol error from {Peer} at {EndPoint}: {Reason}. Closing that connection.")]
    private static partial void LogProtocolError(ILogger logger, PeerId peer, IPEndPoint endPoint, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "The frame handler failed on a frame from {Peer}; the connection continues.")]
    private static partial void LogHandlerFailed(ILogger logger, PeerId peer, Exception exception);
}
