using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace OrleansML.Grains.Hosting.Transport;

/// <summary>
/// One TCP connection as Orleans' <see cref="ConnectionContext"/>: a receive loop that fills whole pipe segments
/// (one <c>recvfrom</c> per segment, where Orleans' transport makes one per 4 KiB) and a send loop that hands every
/// flushed segment to the kernel in one gather send.
/// </summary>
/// <remarks>
/// Both pipes run their continuations inline: Orleans' message reader parses on the receiving thread and queues each
/// message to the thread pool itself, and a flush by Orleans' message writer sends on the flushing thread, so neither
/// direction adds a thread-pool hop. Closing follows Orleans' socket transport: the send loop's end shuts the socket,
/// the receive loop's end completes the input and then signals <see cref="ConnectionClosed"/>.
/// </remarks>
internal sealed partial class BulkSocketConnection : ConnectionContext, IConnectionLifetimeFeature, IMemoryPoolFeature
{
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly int _receiveSize;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _closedSignalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _shutdownLock = new();
    private readonly List<ArraySegment<byte>> _sendSegments = [];
    private Exception? _shutdownReason;
    private bool _socketDisposed;
    private Task? _running;

    public BulkSocketConnection(Socket socket, SegmentMemoryPool pool, SegmentMemoryPool sendPool, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        MemoryPool = pool;
        _receiveSize = Math.Max(1, pool.MaxBufferSize / 2);
        _input = new Pipe(Options(pool));

        // Orleans serializes a message into the first memory it gets from this pipe and copies what does not fit
        // twice more; the pipe hands back a segment once everything in it is sent, so each message usually starts one.
        _output = new Pipe(Options(sendPool));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        ConnectionClosed = _closed.Token;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionId = $"bulk-{Guid.NewGuid():N}";
        Features.Set<IConnectionLifetimeFeature>(this);
        Features.Set<IMemoryPoolFeature>(this);
        Features.Set<IConnectionIdFeature>(new ConnectionIdFeature(ConnectionId));
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override CancellationToken ConnectionClosed { get; set; }

    public MemoryPool<byte> MemoryPool { get; }

    private static PipeOptions Options(SegmentMemoryPool pool) =>
        new(pool, PipeScheduler.Inline, PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0,
            minimumSegmentSize: pool.MaxBufferSize, useSynchronizationContext: false);

    /// <summary>Starts the receive and send loops; call once.</summary>
    public void Start() => _running = RunAsync();

    public override void Abort(ConnectionAbortedException abortReason)
    {
        Shutdown(abortReason);
        _output.Reader.CancelPendingRead();
    }

    public override void Abort() => Abort(new ConnectionAbortedException("The connection was aborted by the application."));

    public override async ValueTask DisposeAsync()
    {
        Transport.Input.Complete();
        Transport.Output.Complete();
        if (_running is not null)
        {
            await _running.ConfigureAwait(false);
        }

        _closed.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        Task receiving = ReceiveLoopAsync();
        Task sending = SendLoopAsync();
        await receiving.ConfigureAwait(false);
        await sending.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        PipeWriter input = _input.Writer;
        try
        {
            while (true)
            {
                Memory<byte> buffer = input.GetMemory(_receiveSize);
                int received = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                input.Advance(received);
                FlushResult flush = await input.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            error = exception is SocketException { SocketErrorCode: SocketError.ConnectionReset } reset
                ? new ConnectionResetException(reset.Message, reset)
                : exception;
        }
        catch (Exception exception)
        {
            error = exception;
            LogUnexpected(_logger, exception, ConnectionId, "receiving");
        }
        finally
        {
            await input.CompleteAsync(Volatile.Read(ref _shutdownReason) ?? error).ConfigureAwait(false);

            // Off this thread, so that callbacks on ConnectionClosed never run inside the receive loop.
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.SignalClosed(), this, preferLocal: false);
            await _closedSignalled.Task.ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        Exception? error = null;
        PipeReader output = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await output.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    await SendAsync(buffer).ConfigureAwait(false);
                }

                output.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            error = exception;
        }
        catch (Exception exception)
        {
            error = exception;
            LogUnexpected(_logger, exception, ConnectionId, "sending");
        }
        finally
        {
            Shutdown(error);
            await output.CompleteAsync(error is SocketException or ObjectDisposedException ? null : error).ConfigureAwait(false);
            _input.Writer.CancelPendingFlush();
        }
    }

    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            ReadOnlyMemory<byte> memory = buffer.First;
            while (!memory.IsEmpty)
            {
                int sent = await _socket.SendAsync(memory, SocketFlags.None).ConfigureAwait(false);
                memory = memory[sent..];
            }

            return;
        }

        _sendSegments.Clear();
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            if (!MemoryMarshal.TryGetArray(segment, out ArraySegment<byte> array))
            {
                throw new InvalidOperationException("A bulk connection's pipe segment is not array-backed.");
            }

            _sendSegments.Add(array);
        }

        // A gather send on a blocking-mode stream socket sends every byte or throws.
        await _socket.SendAsync(_sendSegments, SocketFlags.None).ConfigureAwait(false);
    }

    private void Shutdown(Exception? reason)
    {
        lock (_shutdownLock)
        {
            if (_socketDisposed)
            {
                return;
            }

            _socketDisposed = true;
            Volatile.Write(ref _shutdownReason, reason ?? new ConnectionAbortedException("The bulk transport's send loop completed."));
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // The peer may already have closed; the socket is disposed either way.
            }

            _socket.Dispose();
        }
    }

    private void SignalClosed()
    {
        try
        {
            _closed.Cancel();
        }
        catch (AggregateException exception)
        {
            LogUnexpected(_logger, exception, ConnectionId, "signalling close");
        }
        finally
        {
            _closedSignalled.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Bulk transport connection {ConnectionId} failed unexpectedly while {Activity}.")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string connectionId, string activity);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private sealed class ConnectionIdFeature(string connectionId) : IConnectionIdFeature
    {
        public string ConnectionId { get; set; } = connectionId;
    }
}
