using System.Buffers;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// A message encoded for the transport: the header bytes and the body bytes, both known before sending
/// so the transport can check the frame size before it enqueues anything.
/// </summary>
internal sealed class MessageFrame(byte[] header, ReadOnlyMemory<byte> body) : OutgoingFrame
{
    public byte[] Header { get; } = header;

    public ReadOnlyMemory<byte> Body { get; } = body;

    public override int HeaderLength => Header.Length;

    public override int BodyLength => Body.Length;

    public override void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Header);
        output.Write(Body.Span);
    }
}
