using System.Buffers;
using OrleansML.Runtime.Serialization;
using OrleansML.Runtime.Messaging;

namespace OrleansML.Runtime.Tests.BulkPath;

/// <summary><see cref="BodyReader"/> over multi-segment sequences, as frame bodies arrive from the receive pipe.</summary>
public class SegmentedBodyReaderTests
{
    private static readonly float[] Tensor = Enumerable.Range(0, 10_000).Select(i => i * 0.25f - 7f).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Values_straddling_segment_boundaries_read_as_from_one_span(int segmentBytes)
    {
        byte[] body = WriteMixedBody();
        ReadOnlySequence<byte> sequence = Split(body, segmentBytes, emptyBetween: segmentBytes == 3);
        Assert.Equal(segmentBytes >= body.Length, sequence.IsSingleSegment);

        var reader = new BodyReader(sequence);
        Assert.Equal(body.Length, reader.Remaining);
        Assert.Equal(-123_456_789, reader.ReadInt32());
        Assert.Equal(long.MinValue + 17, reader.ReadInt64());
        Assert.Equal("héllo, wörld", reader.ReadString());
        Assert.Null(reader.ReadString());
        Assert.Equal(3.25, reader.Read<double>());
        Assert.Equal(new Guid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), reader.Read<Guid>());
        Assert.Equal(new byte[] { 9, 8, 7, 6, 5, 4, 3, 2, 1 }, reader.ReadBytes(9).ToArray());
        Assert.Equal(Tensor, reader.ReadBlock<float>());
        Assert.Null(reader.ReadBlock<float>());
        Assert.Equal(new long[] { 1, -2, long.MaxValue }, reader.Read<long[]>());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void A_block_spanning_many_segments_is_copied_whole()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        writer.WriteInt32(77);
        writer.WriteBlock<float>(Tensor, false);
        writer.WriteInt32(88);

        // 40 000 tensor bytes over segments of 997 bytes: about 40 segments, none aligned to a float.
        var reader = new BodyReader(Split(buffer.WrittenSpan.ToArray(), 997, emptyBetween: false));
        Assert.Equal(77, reader.ReadInt32());
        float[]? values = reader.ReadBlock<float>();
        Assert.Equal(88, reader.ReadInt32());
        Assert.Equal(Tensor, values);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Straddling_ReadBytes_returns_a_copy_that_later_reads_do_not_change()
    {
        byte[] body = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var reader = new BodyReader(Split(body, 10, emptyBetween: false));
        ReadOnlySpan<byte> first = reader.ReadBytes(15);
        ReadOnlySpan<byte> second = reader.ReadBytes(30);
        Assert.Equal(body[..15], first.ToArray());
        Assert.Equal(body[15..45], second.ToArray());
        Assert.Equal(19, reader.Remaining);
    }

    [Fact]
    public void A_truncated_block_throws_and_names_the_shortfall()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        writer.WriteBlock<float>(Tensor, false);
        byte[] truncated = buffer.WrittenSpan[..^5].ToArray();

        var e = Assert.Throws<MessageFormatException>(() => ReadBlockFrom(Split(truncated, 100, emptyBetween: false)));
        Assert.Contains($"needs {Tensor.Length * sizeof(float)} more bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_cut_at_the_end_of_the_last_segment_throws()
    {
        // Two segments of 3 and 2 bytes: the first int needs bytes from both, the second int has only one byte.
        byte[] body = [1, 0, 0, 0, 2];
        Assert.Throws<MessageFormatException>(() => ReadTwoInts(Split(body, 3, emptyBetween: true)));
        Assert.Throws<MessageFormatException>(() => ReadLongFrom(Split(body, 2, emptyBetween: false)));
        Assert.Throws<MessageFormatException>(() => ReadBytesFrom(Split(body, 2, emptyBetween: false), 6));
    }

    [Fact]
    public void A_negative_length_is_rejected()
    {
        Assert.Throws<MessageFormatException>(() => ReadBytesFrom(Split([1, 2, 3, 4], 2, emptyBetween: false), -1));
    }

    private static float[]? ReadBlockFrom(ReadOnlySequence<byte> body)
    {
        var reader = new BodyReader(body);
        return reader.ReadBlock<float>();
    }

    private static int ReadTwoInts(ReadOnlySequence<byte> body)
    {
        var reader = new BodyReader(body);
        Assert.Equal(1, reader.ReadInt32());
        return reader.ReadInt32();
    }

    private static long ReadLongFrom(ReadOnlySequence<byte> body)
    {
        var reader = new BodyReader(body);
        return reader.ReadInt64();
    }

    private static int ReadBytesFrom(ReadOnlySequence<byte> body, int count)
    {
        var reader = new BodyReader(body);
        return reader.ReadBytes(count).Length;
    }

    private static byte[] WriteMixedBody()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        writer.WriteInt32(-123_456_789);
        writer.WriteInt64(long.MinValue + 17);
        writer.WriteString("héllo, wörld");
        writer.WriteString(null);
        writer.Write(3.25);
        writer.Write(new Guid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
        writer.WriteBytes([9, 8, 7, 6, 5, 4, 3, 2, 1]);
        writer.WriteBlock<float>(Tensor, false);
        writer.WriteBlock<float>(default, true);
        writer.Write(new long[] { 1, -2, long.MaxValue });
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Splits <paramref name="bytes"/> into segments of <paramref name="segmentBytes"/> (the last shorter),
    /// each in its own array, optionally with an empty segment between every two.</summary>
    internal static ReadOnlySequence<byte> Split(byte[] bytes, int segmentBytes, bool emptyBetween)
    {
        ChunkSegment? first = null;
        ChunkSegment? last = null;
        for (int start = 0; start < bytes.Length; start += segmentBytes)
        {
            if (emptyBetween && last is not null)
            {
                last = last.Append(ReadOnlyMemory<byte>.Empty);
            }

            byte[] part = bytes[start..Math.Min(bytes.Length, start + segmentBytes)];
            last = last is null ? (first = new ChunkSegment(part, 0)) : last.Append(part);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }
}
