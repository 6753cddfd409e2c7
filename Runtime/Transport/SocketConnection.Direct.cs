using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansML.Runtime.Transport;

/// <summary>Direct sends that bypass the output pipe, for gather sends of large bodies (see TransportConnection).</summary>
internal sealed partial class SocketConnection
{
    /// <summary>
    /// Waits until the send loop has handed everything flushed so far to the kernel; false when the loop ended.
    /// The caller must be the only writer and must not write until this completes (the pipe is then empty).
    /// </summary>
    public async ValueTask<bool> DrainAsync()
    {
        var drained = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Debug.Assert(_drain is null, "one drain at a time: the frame writer's lock serialises them");
        Volatile.Write(ref _drain, drained);
        if (_sendLoop.IsCompleted)
        {
            return false;
        }

        // Wakes the send loop (or makes its next read return at once) with whatever is queued; it reports back
        // once that is sent. Abort uses the same signal, told apart by the aborted flag.
        try
        {
            _output.Reader.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
            return false; // The send loop ended and completed the reader (and the drain).
        }

        return await drained.Task.ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="segments"/> straight to the socket (after <see cref="DrainAsync"/>, by the only writer).</summary>
    public async ValueTask SendDirectAsync(List<ArraySegment<byte>> segments)
    {
        int index = 0;
        while (index < segments.Count)
        {
            int sent = await _socket.SendAsync(index == 0 ? segments : segments.GetRange(index, segments.Count - index), SocketFlags.None).ConfigureAwait(false);
            if (sent <= 0)
            {
                throw new IOException("The socket accepted no bytes of a non-empty send.");
            }

            _metrics.BytesSent(sent);

            // Skip the fully sent segments and trim the partly sent one.
            while (sent > 0)
            {
                ArraySegment<byte> first = segments[index];
                if (sent >= first.Count)
                {
                    sent -= first.Count;
                    index++;
                }
                else
                {
                    segments[index] = first[sent..];
                    sent = 0;
                }
            }
        }
    }
}
