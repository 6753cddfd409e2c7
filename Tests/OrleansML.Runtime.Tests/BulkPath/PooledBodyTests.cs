using System.Buffers;
using OrleansML.Runtime.Messaging;

namespace OrleansML.Runtime.Tests.BulkPath;

public sealed class PooledBodyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)] // one chunk
    [InlineData(3 * 4096)] // several writes spill into further chunks
    [InlineData(300_000)] // larger chunks as the body grows
    public void The_sequence_view_holds_exactly_the_written_bytes_in_order(int length)
    {
        byte[] expected = [.. Enumerable.Range(0, length).Select(i => (byte)((i * 31) + (i >> 8)))];
        using var body = new PooledBody();
        int written = 0;
        var random = new Random(length);
        while (written < length)
        {
            int piece = Math.Min(length - written, 1 + random.Next(5000));
            expected.AsSpan(written, piece).CopyTo(body.GetSpan(piece));
            body.Advance(piece);
            written += piece;
        }

        ReadOnlySequence<byte> sequence = body.AsSequence();
        Assert.Equal(length, sequence.Length);
        Assert.Equal(expected, sequence.ToArray());
        if (length > 2 * 4096)
        {
            Assert.False(sequence.IsSingleSegment); // the multi-chunk path was taken
        }
    }
}
