using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// The frame layout: an 8-byte prefix (int32 header length, int32 body length, little-endian), then the
/// header, then the body.
/// </summary>
internal static class FrameCodec
{
    /// <summary>Bytes in the length prefix.</summary>
    public const int PrefixLength = 8;

    /// <summary>The outcome of <see cref="TryRead"/>.</summary>
    public enum ReadStatus
    {
        /// <summary>A whole frame was read.</summary>
        Frame,

        /// <summary>More bytes are needed.</summary>
        Incomplete,

        /// <summary>The prefix is invalid: the stream cannot be trusted any more.</summary>
        Invalid,
    }

    /// <summary>Checks a frame against the limits; the message says which part is too large.</summary>
    public static string? CheckSize(int headerLength, int bodyLength, int maxHeader, int maxBody)
    {
        if (headerLength < 0 || bodyLength < 0)
        {
            return $"negative length (header {headerLength}, body {bodyLength})";
        }

        if (headerLength > maxHeader)
        {
            return $"header of {headerLength} bytes exceeds the limit of {maxHeader} bytes (TransportOptions.MaxHeaderBytes)";
        }

        if (bodyLength > maxBody)
        {
            return $"body of {bodyLength} bytes exceeds the limit of {maxBody} bytes (TransportOptions.MaxBodyBytes)";
        }

        return null;
    }

    /// <summary>Writes the prefix.</summary>
    public static void WritePrefix(IBufferWriter<byte> output, int headerLength, int bodyLength)
    {
        Span<byte> span = output.GetSpan(PrefixLength);
        BinaryPrimitives.WriteInt32LittleEndian(span, headerLength);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], bodyLength);
        output.Advance(PrefixLength);
    }

    /// <summary>Bytes missing to complete the frame at the front of an incomplete buffer (0 until its prefix is in).</summary>
    public static long MissingBytes(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < PrefixLength)
        {
            return 0;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        long total = PrefixLength + (long)BinaryPrimitives.ReadInt32LittleEndian(prefix) + BinaryPrimitives.ReadInt32LittleEndian(prefix[4..]);
        return Math.Max(0, total - buffer.Length);
    }

    /// <summary>
    /// Reads one frame from the front of <paramref name="buffer"/> and slices it off (no copy). On
    /// <see cref="ReadStatus.Invalid"/>, <paramref name="error"/> says why.
    /// </summary>
    public static ReadStatus TryRead(
        ref ReadOnlySequence<byte> buffer, int maxHeader, int maxBody,
        out ReadOnlySequence<byte> header, out ReadOnlySequence<byte> body, out string? error)
    {
        header = default;
        body = default;
        error = null;
        if (buffer.Length < PrefixLength)
        {
            return ReadStatus.Incomplete;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        int bodyLength = BinaryPrimitives.ReadInt32LittleEndian(prefix[4..]);
        error = CheckSize(headerLength, bodyLength, maxHeader, maxBody);
        if (error is not null)
        {
            return ReadStatus.Invalid;
        }

        long total = PrefixLength + (long)headerLength + bodyLength;
        if (buffer.Length < total)
        {
            return ReadStatus.Incomplete;
        }

        header = buffer.Slice(PrefixLength, headerLength);
        body = buffer.Slice(header.End, bodyLength);
        buffer = buffer.Slice(body.End);
        Debug.Assert(header.Length == headerLength && body.Length == bodyLength, "slices match the prefix");
        return ReadStatus.Frame;
    }
}
