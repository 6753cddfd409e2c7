using System.Buffers;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// A frame whose body already sits in buffers that stay valid and unchanged until <c>SendAsync</c> returns: a large
/// body is then handed to the socket from those buffers (a gather send) instead of being copied into the pipe.
/// </summary>
internal interface IGatherFrame
{
    /// <summary>Writes exactly <see cref="OutgoingFrame.HeaderLength"/> bytes.</summary>
    void WriteHeader(IBufferWriter<byte> output);

    /// <summary>Appends the body's buffers, in order, totalling exactly <see cref="OutgoingFrame.BodyLength"/> bytes.</summary>
    void AppendBody(List<ArraySegment<byte>> segments);
}
