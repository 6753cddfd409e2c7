using System.IO.Pipelines;
using System.Net.Sockets;

namespace OrleansML.Runtime.Transport;

/// <summary>Gather sends: large bodies go to the socket from the frame's own buffers.</summary>
internal sealed partial class TransportConnection
{
    /// <summary>
    /// Sends a large frame without copying its body: prefix and header go through the pipe, which is then drained,
    /// and the body goes from the frame's own buffers to the socket while this writer still holds the lock (so the
    /// frame stays contiguous on the wire). Not cancellable once started: a half-sent frame would corrupt the stream.
    /// </summary>
    private async ValueTask SendGatheredAsync(PipeWriter output, IGatherFrame frame, int header, int body)
    {
        FrameCodec.WritePrefix(output, header, body);
        _counter.Reset(output);
        _gather.Clear();
        try
        {
            frame.WriteHeader(_counter);
            frame.AppendBody(_gather);
        }
        catch (Exception ex)
        {
            Abort();
            throw new InvalidOperationException($"Writing a frame to {Peer} failed and corrupted its connection, which was closed.", ex);
        }

        long gathered = 0;
        foreach (ArraySegment<byte> segment in _gather)
        {
            gathered += segment.Count;
        }

        if (_counter.Written != header || gathered != body)
        {
            Abort();
            throw new InvalidOperationException(
                $"{frame.GetType().Name} wrote a {_counter.Written}-byte header and a {gathered}-byte body but declared {header} + {body}; the connection to {Peer} was closed.");
        }

        FlushResult flushed = await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        ThrowIfClosed(flushed.IsCompleted);
        ThrowIfClosed(!await _socket.DrainAsync().ConfigureAwait(false));
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
