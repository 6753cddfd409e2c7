using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Encodes <see cref="MessageHeader"/> as a version byte followed by the fields in a fixed order, integers
/// as 7-bit varints and strings as length-prefixed UTF-8.
/// </summary>
/// <remarks>
/// Why not protobuf (Google.Protobuf restores here): the header is a dozen fixed fields read on every
/// message, and the hand-written form allocates nothing but the strings, needs no code generation step,
/// and is versioned just as well: fields are only ever appended, readers ignore bytes after the fields
/// they know (the frame gives the header length), and a change that old readers must not misread bumps
/// <see cref="CurrentVersion"/>, which old readers reject with a clear error.
/// </remarks>
internal static class MessageHeaderCodec
{
    public const byte CurrentVersion = 1;

    private const byte HasSendingSilo = 1;
    private const byte HasSendingClient = 2;
    private const byte HasTargetSilo = 4;

    public static byte[] Encode(MessageHeader header)
    {
        var output = new ArrayBufferWriter<byte>(128);
        output.GetSpan(1)[0] = CurrentVersion;
        output.Advance(1);
        byte presence = (byte)((header.SendingSilo is null ? 0 : HasSendingSilo)
            | (header.SendingClient is null ? 0 : HasSendingClient)
            | (header.TargetSilo is null ? 0 : HasTargetSilo));
        WriteByte(output, (byte)header.Direction);
        WriteByte(output, presence);
        WriteVarint(output, (ulong)header.CallId);
        WriteString(output, header.TargetGrain.IsDefault ? "" : header.TargetGrain.Type);
        WriteString(output, header.TargetGrain.IsDefault ? "" : header.TargetGrain.Key);
        WriteString(output, header.InterfaceName);
        WriteVarint(output, header.MethodId);
        WriteVarint(output, (ulong)header.Flags);
        if (header.SendingSilo is not null)
        {
            WriteSilo(output, header.SendingSilo);
        }

        if (header.SendingClient is not null)
        {
            WriteString(output, header.SendingClient);
        }

        if (header.TargetSilo is not null)
        {
            WriteSilo(output, header.TargetSilo);
        }

        WriteVarint(output, (ulong)header.DeadlineUtcTicks);
        header.CallChainId.TryWriteBytes(output.GetSpan(16));
        output.Advance(16);
        WriteVarint(output, (ulong)header.ForwardCount);
        WriteByte(output, (byte)header.Status);
        WriteByte(output, (byte)header.Rejection);
        return output.WrittenSpan.ToArray();
    }

    public static MessageHeader Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new SpanReader(bytes);
        byte version = reader.ReadByte();
        if (version != CurrentVersion)
        {
            throw new Serialization.MessageFormatException($"message header version {version} is not supported (this silo reads version {CurrentVersion}).");
        }

        var direction = (MessageDirection)reader.ReadByte();
        byte presence = reader.ReadByte();
        long callId = (long)reader.ReadVarint();
        string type = reader.ReadString();
        string key = reader.ReadString();
        string interfaceName = reader.ReadString();
        uint methodId = checked((uint)reader.ReadVarint());
        var flags = (InvokeMethodOptions)reader.ReadVarint();
        SiloAddress? sendingSilo = (presence & HasSendingSilo) != 0 ? reader.ReadSilo() : null;
        string? sendingClient = (presence & HasSendingClient) != 0 ? reader.ReadString() : null;
        SiloAddress? targetSilo = (presence & HasTargetSilo) != 0 ? reader.ReadSilo() : null;
        long deadline = (long)reader.ReadVarint();
        var chain = new Guid(reader.ReadBytes(16));
        int forwardCount = checked((int)reader.ReadVarint());
        var status = (ResponseStatus)reader.ReadByte();
        var rejection = (RejectionKind)reader.ReadByte();
        return new MessageHeader
        {
            Direction = direction,
            CallId = callId,
            TargetGrain = type.Length == 0 ? default : new GrainId(type, key),
            InterfaceName = interfaceName,
            MethodId = methodId,
            Flags = flags,
            SendingSilo = sendingSilo,
            SendingClient = sendingClient,
            TargetSilo = targetSilo,
            DeadlineUtcTicks = deadline,
            CallChainId = chain,
            ForwardCount = forwardCount,
            Status = status,
            Rejection = rejection,
        };
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        Span<byte> span = output.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteVarint(output, (ulong)length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    private static void WriteSilo(ArrayBufferWriter<byte> output, SiloAddress silo)
    {
        WriteString(output, silo.Host);
        WriteVarint(output, (ulong)silo.Port);
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), silo.Generation);
        output.Advance(4);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public ReadOnlySpan<byte> ReadBytes(int count)
        {
            if (count < 0 || _position + count > _bytes.Length)
            {
                throw new Serialization.MessageFormatException($"the message header ends at byte {_bytes.Length}, but a field needs {count} bytes at {_position}.");
            }

            ReadOnlySpan<byte> slice = _bytes.Slice(_position, count);
            _position += count;
            return slice;
        }

        public byte ReadByte() => ReadBytes(1)[0];

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = ReadByte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new Serialization.MessageFormatException("a varint in the message header is longer than 10 bytes.");
        }

        public string ReadString()
        {
            ulong length = ReadVarint();
            return length > int.MaxValue
                ? throw new Serialization.MessageFormatException("a string length in the message header is out of range.")
                : Encoding.UTF8.GetString(ReadBytes((int)length));
        }

        public SiloAddress ReadSilo()
        {
            string host = ReadString();
            int port = checked((int)ReadVarint());
            int generation = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
            return new SiloAddress(host, port, generation);
        }
    }
}
