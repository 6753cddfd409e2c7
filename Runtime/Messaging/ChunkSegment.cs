using System.Buffers;

namespace OrleansML.Runtime.Messaging;

/// <summary>One chunk of a <see cref="PooledBody"/> in a <see cref="ReadOnlySequence{T}"/>.</summary>
internal sealed class ChunkSegment : ReadOnlySequenceSegment<byte>
{
    public ChunkSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public ChunkSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new ChunkSegment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}
