using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// The connection preamble and mutual proof of the cluster secret.
/// </summary>
/// <remarks>
/// Format: a compact hand-written binary record, [type u8][length u16 LE][payload], rather than protobuf: five
/// fixed records do not need a schema compiler, and the connecting code stays dependency-free. Versioning is the
/// explicit protocol version in Hello, checked before anything else is interpreted.
/// Flow (C connects, S accepts): C→S Hello; S checks version, cluster id and role (else Reject); S→C Hello;
/// C checks the same and the expected silo identity; C→S Proof; S verifies (else Reject "wrong cluster secret");
/// S→C Proof; C verifies (else Reject); C→S Accept. Each proof is HMAC-SHA256, keyed by the secret, over a role
/// label, the cluster id, both identities, both nonces and the version. The role labels differ, so an acceptor
/// cannot be used as an oracle to forge a connector's proof, and fresh nonces on both sides stop replays.
/// </remarks>
internal static class Handshake
{
    private const uint Magic = 0x544C4D4F; // "OMLT" little-endian.
    private const int NonceLength = 32;
    private const int MaxRecordPayload = 4096;
    private const byte RecordHello = 1;
    private const byte RecordProof = 2;
    private const byte RecordAccept = 3;
    private const byte RecordReject = 4;

    /// <summary>A party of the handshake: 1 = silo, 2 = client.</summary>
    public enum Role : byte
    {
        /// <summary>A silo (identity: its <see cref="SiloAddress"/>).</summary>
        Silo = 1,

        /// <summary>A client (identity: its client id).</summary>
        Client = 2,
    }

    private sealed record Hello(Role Role, int Version, string ClusterId, string Identity, byte[] Nonce);

    /// <summary>Runs the connecting side; returns the peer's identity. <paramref name="expectedSilo"/> must match it.</summary>
    public static async Task<PeerId> ConnectAsync(
        PipeReader input, PipeWriter output, TransportOptions options, Role localRole, string localIdentity,
        SiloAddress expectedSilo, CancellationToken cancellationToken)
    {
        var local = new Hello(localRole, options.ProtocolVersion, options.ClusterId, localIdentity, RandomNumberGenerator.GetBytes(NonceLength));
        await WriteRecordAsync(output, RecordHello, EncodeHello(local), cancellationToken).ConfigureAwait(false);
        Hello remote = DecodeHello(await ReadRecordAsync(input, RecordHello, cancellationToken).ConfigureAwait(false));
        HandshakeException? fault = CheckHello(remote, options, Role.Silo);
        if (fault is null && !string.Equals(remote.Identity, expectedSilo.ToString(), StringComparison.Ordinal))
        {
            fault = new HandshakeException(HandshakeFailure.UnexpectedIdentity, false, $"expected silo {expectedSilo} but the endpoint is silo {remote.Identity}");
        }

        await RejectIfAsync(output, fault, cancellationToken).ConfigureAwait(false);
        byte[] secret = options.SecretBytes();
        byte[] transcript = Transcript(options, local, remote);
        await WriteRecordAsync(output, RecordProof, Prove(secret, "connector", transcript), cancellationToken).ConfigureAwait(false);
        byte[] proof = await ReadRecordAsync(input, RecordProof, cancellationToken).ConfigureAwait(false);
        fault = CryptographicOperations.FixedTimeEquals(proof, Prove(secret, "acceptor", transcript))
            ? null
            : new HandshakeException(HandshakeFailure.WrongClusterSecret, false, "wrong cluster secret (the silo's proof did not verify)");
        await RejectIfAsync(output, fault, cancellationToken).ConfigureAwait(false);
        await WriteRecordAsync(output, RecordAccept, [], cancellationToken).ConfigureAwait(false);
        return PeerId.ForSilo(SiloAddress.Parse(remote.Identity));
    }

    /// <summary>Runs the accepting side; returns the peer's identity. Only peers of <paramref name="acceptedRole"/> pass.</summary>
    public static async Task<PeerId> AcceptAsync(
        PipeReader input, PipeWriter output, TransportOptions options, string localIdentity, Role acceptedRole,
        CancellationToken cancellationToken)
    {
        Hello remote = DecodeHello(await ReadRecordAsync(input, RecordHello, cancellationToken).ConfigureAwait(false));
        HandshakeException? fault = CheckHello(remote, options, acceptedRole);
        PeerId? peer = null;
        if (fault is null)
        {
            try
            {
                peer = remote.Role == Role.Silo ? PeerId.ForSilo(SiloAddress.Parse(remote.Identity)) : PeerId.ForClient(remote.Identity);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                fault = new HandshakeException(HandshakeFailure.Malformed, false, $"invalid identity '{remote.Identity}'");
            }
        }

        await RejectIfAsync(output, fault, cancellationToken).ConfigureAwait(false);
        var local = new Hello(Role.Silo, options.ProtocolVersion, options.ClusterId, localIdentity, RandomNumberGenerator.GetBytes(NonceLength));
        await WriteRecordAsync(output, RecordHello, EncodeHello(local), cancellationToken).ConfigureAwait(false);
        byte[] secret = options.SecretBytes();
        byte[] transcript = Transcript(options, remote, local);
        byte[] proof = await ReadRecordAsync(input, RecordProof, cancellationToken).ConfigureAwait(false);
        fault = CryptographicOperations.FixedTimeEquals(proof, Prove(secret, "connector", transcript))
            ? null
            : new HandshakeException(HandshakeFailure.WrongClusterSecret, false, "wrong cluster secret (the peer's proof did not verify)");
        await RejectIfAsync(output, fault, cancellationToken).ConfigureAwait(false);
        await WriteRecordAsync(output, RecordProof, Prove(secret, "acceptor", transcript), cancellationToken).ConfigureAwait(false);
        await ReadRecordAsync(input, RecordAccept, cancellationToken).ConfigureAwait(false);
        return peer!;
    }

    private static HandshakeException? CheckHello(Hello hello, TransportOptions options, Role expectedRole)
    {
        if (hello.Version != options.ProtocolVersion)
        {
            return new(HandshakeFailure.WrongProtocolVersion, false, $"wrong protocol version {hello.Version} (expected {options.ProtocolVersion})");
        }

        if (!string.Equals(hello.ClusterId, options.ClusterId, StringComparison.Ordinal))
        {
            return new(HandshakeFailure.WrongClusterId, false, $"wrong cluster id '{hello.ClusterId}' (expected '{options.ClusterId}')");
        }

        return hello.Role == expectedRole
            ? null
            : new(HandshakeFailure.WrongRole, false, $"a {hello.Role} connected where only a {expectedRole} is accepted");
    }

    private static async Task RejectIfAsync(PipeWriter output, HandshakeException? fault, CancellationToken cancellationToken)
    {
        if (fault is null)
        {
            return;
        }

        byte[] text = Encoding.UTF8.GetBytes(fault.Message);
        byte[] payload = new byte[1 + Math.Min(text.Length, 1024)];
        payload[0] = (byte)fault.Failure;
        text.AsSpan(0, payload.Length - 1).CopyTo(payload.AsSpan(1));
        try
        {
            await WriteRecordAsync(output, RecordReject, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            // Telling the peer why is a courtesy; the local fault is what matters.
        }

        throw fault;
    }

    private static byte[] Prove(byte[] secret, string label, byte[] transcript)
    {
        byte[] data = [.. Encoding.ASCII.GetBytes(label), 0, .. transcript];
        return HMACSHA256.HashData(secret, data);
    }

    private static byte[] Transcript(TransportOptions options, Hello connector, Hello acceptor)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteString(buffer, options.ClusterId);
        WriteString(buffer, connector.Identity);
        WriteString(buffer, acceptor.Identity);
        buffer.Write(connector.Nonce);
        buffer.Write(acceptor.Nonce);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.GetSpan(2), (ushort)options.ProtocolVersion);
        buffer.Advance(2);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] EncodeHello(Hello hello)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        Span<byte> head = buffer.GetSpan(7);
        BinaryPrimitives.WriteUInt32LittleEndian(head, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(head[4..], (ushort)hello.Version);
        head[6] = (byte)hello.Role;
        buffer.Advance(7);
        buffer.Write(hello.Nonce);
        WriteString(buffer, hello.ClusterId);
        WriteString(buffer, hello.Identity);
        return buffer.WrittenSpan.ToArray();
    }

    private static Hello DecodeHello(byte[] payload)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(payload));
        if (!reader.TryReadLittleEndian(out int magic) || (uint)magic != Magic)
        {
            throw new HandshakeException(HandshakeFailure.Malformed, false, "not an OrleansML transport peer (bad magic)");
        }

        if (!reader.TryReadLittleEndian(out short version) || !reader.TryRead(out byte role) || reader.Remaining < NonceLength)
        {
            throw new HandshakeException(HandshakeFailure.Malformed, false, "truncated hello");
        }

        byte[] nonce = reader.UnreadSequence.Slice(0, NonceLength).ToArray();
        reader.Advance(NonceLength);
        string clusterId = ReadString(ref reader);
        string identity = ReadString(ref reader);
        if (role is not ((byte)Role.Silo or (byte)Role.Client))
        {
            throw new HandshakeException(HandshakeFailure.Malformed, false, $"unknown role {role}");
        }

        return new Hello((Role)role, (ushort)version, clusterId, identity, nonce);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        Span<byte> span = buffer.GetSpan(2 + length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, checked((ushort)length));
        Encoding.UTF8.GetBytes(value, span[2..]);
        buffer.Advance(2 + length);
    }

    private static string ReadString(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadLittleEndian(out short signedLength) || reader.Remaining < (ushort)signedLength)
        {
            throw new HandshakeException(HandshakeFailure.Malformed, false, "truncated string in hello");
        }

        int length = (ushort)signedLength;
        string value = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, length));
        reader.Advance(length);
        return value;
    }

    private static async Task WriteRecordAsync(PipeWriter output, byte type, byte[] payload, CancellationToken cancellationToken)
    {
        Span<byte> span = output.GetSpan(3 + payload.Length);
        span[0] = type;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], checked((ushort)payload.Length));
        payload.CopyTo(span[3..]);
        output.Advance(3 + payload.Length);
        FlushResult flush = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flush.IsCompleted)
        {
            throw new IOException("The connection closed during the handshake.");
        }
    }

    /// <summary>Reads one record; a Reject from the peer becomes a <see cref="HandshakeException"/> with its reason.</summary>
    private static async Task<byte[]> ReadRecordAsync(PipeReader input, byte expectedType, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (TryReadHead(buffer, out byte type, out int length))
            {
                if (length > MaxRecordPayload || (type != expectedType && type != RecordReject))
                {
                    input.AdvanceTo(buffer.Start);
                    throw new HandshakeException(HandshakeFailure.Malformed, false, $"unexpected handshake record (type {type}, length {length})");
                }

                if (buffer.Length >= 3 + length)
                {
                    byte[] payload = buffer.Slice(3, length).ToArray();
                    input.AdvanceTo(buffer.GetPosition(3 + length));
                    if (type == RecordReject)
                    {
                        var failure = payload.Length > 0 ? (HandshakeFailure)payload[0] : HandshakeFailure.Malformed;
                        string reason = payload.Length > 1 ? Encoding.UTF8.GetString(payload, 1, payload.Length - 1) : failure.ToString();
                        throw new HandshakeException(failure, true, reason);
                    }

                    return payload;
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("The peer closed the connection during the handshake.");
            }
        }
    }

    private static bool TryReadHead(ReadOnlySequence<byte> buffer, out byte type, out int length)
    {
        type = 0;
        length = 0;
        if (buffer.Length < 3)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[3];
        buffer.Slice(0, 3).CopyTo(head);
        type = head[0];
        length = BinaryPrimitives.ReadUInt16LittleEndian(head[1..]);
        return true;
    }
}
