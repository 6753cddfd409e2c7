using System.Buffers;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// A received frame passed on unchanged (a gateway relaying a response to its client). It borrows the
/// received memory, so it must be sent before the receiving frame handler returns.
/// </summary>
internal sealed class RelayFrame(ReadOnlySequence<byte> header, ReadOnlySequence<byte> body) : OutgoingFrame
{
    public override int HeaderLength => checked((int)header.Length);

    public override int BodyLength => checked((int)body.Length);

    public override void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (ReadOnlyMemory<byte> segment in header)
        {
            output.Write(segment.Span);
        }

        foreach (ReadOnlyMemory<byte> segment in body)
        {
            output.Write(segment.Span);
        }
    }
}
