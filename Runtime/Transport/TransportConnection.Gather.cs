using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace OrleansML.Runtime.Transport;

/// <summary>Gather sends: large bodies go to the socket from the frame's own buffers.</summary>
internal sealed partial class TransportConnection
{
    // Prefix and header of a gather send, written here and sent as its first segment. Guarded by _writeLock.
    private readonly ArrayBufferWriter<byte> _gatherHead = new(256);

    // Whether the output pipe may hold bytes the send loop has not handed to the kernel yet. Guarded by _writeLock:
    // every frame write sets it; only a completed drain, with the lock held since, clears it. It starts set because
    // the handshake wrote to the pipe.
    private bool _pipeMayHoldBytes = true;

    /// <summary>
    /// Sends a large frame without copying its body: prefix, header and the body's own buffers go to the socket in
    /// one gather send while this writer holds the lock (so the frame stays contiguous on the wire). Frames queued in
    /// the pipe must leave first, so the pipe is drained before, unless nothing was written to it since the last
    /// drain: back-to-back large frames then cost no hand-off to the send loop and back. Not cancellable once
    /// started: a half-sent frame would corrupt the stream.
    /// </summary>
    private async ValueTask SendGatheredAsync(PipeWriter output, IGatherFrame frame, int header, int body)
    {
        _gatherHead.ResetWrittenCount();
        FrameCodec.WritePrefix(_gatherHead, header, body);
        _counter.Reset(_gatherHead);
        _gather.Clear();
        try
        {
            frame.WriteHeader(_counter);
            frame.AppendBody(_gather);
        }
        catch (Exception ex)
        {
            // Nothing reached the pipe or the socket: only this frame fails, the connection stays healthy.
            _gather.Clear();
            throw new InvalidOperationException($"Writing a frame to {Peer} failed before anything was sent: {ex.Message}", ex);
        }

        long gathered = 0;
        foreach (ArraySegment<byte> segment in _gather)
        {
            gathered += segment.Count;
        }

        if (_counter.Written != header || gathered != body)
        {
            _gather.Clear();
            throw new InvalidOperationException(
                $"{frame.GetType().Name} wrote a {_counter.Written}-byte header and a {gathered}-byte body but declared {header} + {body}; the frame to {Peer} was not sent.");
        }

        if (_pipeMayHoldBytes)
        {
            FlushResult flushed = await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            ThrowIfClosed(flushed.IsCompleted);
            ThrowIfClosed(!await _socket.DrainAsync().ConfigureAwait(false));
            _pipeMayHoldBytes = false;
        }

        bool arrayBacked = MemoryMarshal.TryGetArray(_gatherHead.WrittenMemory, out ArraySegment<byte> head);
        Debug.Assert(arrayBacked, "an ArrayBufferWriter writes into an array");
        _gather.Insert(0, head);
        try
        {
            await _socket.SendDirectAsync(_gather).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            Abort();
            throw new SiloUnavailableException($"The connection to {Peer} ({RemoteEndPoint}) failed while sending a frame: {ex.Message}", ex);
        }
        finally
        {
            _gather.Clear(); // Drop the references: the caller returns the buffers to their pool after this.
        }

        _metrics.FrameSent();
    }
}
