using OrleansML.Learning.Data.Partitioning;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using OrleansML.Learning.Optimizers;
using OrleansML.Serialization;

namespace OrleansML.Grains.Shards;

/// <summary>
/// One checkpoint of a shard, encoded in a small versioned little-endian layout:
/// <code>
/// u32 magic "OMSC" | u16 format | u16 reserved | i64 id | i64 version | i64 update count
/// i32 json length | assignment (UTF-8 JSON)  | i32 start | i32 length | f32[length] parameters
/// i32 optimizer-state length (-1: none) | optimizer state (OptimizerState.Serialize)
/// i32 last-step count | (i32 worker, i64 step)[count] | i32 clock count | i64[count] clocks
/// u32 CRC-32C of everything before it
/// </code>
/// A record whose length, magic, format or checksum is wrong is refused with a <see cref="FormatException"/>,
/// never loaded as parameters.
/// </summary>
internal static class ShardCheckpoint
{
    private const uint Magic = 0x43534D4F; // "OMSC"
    private const ushort Format = 1;
    private const int HeaderBytes = 4 + 2 + 2 + 8 + 8 + 8;

    public static byte[] Encode(long id, ShardState state)
    {
        RequireLittleEndian();
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(state.Assignment, ShardCheckpointJsonContext.Default.ShardAssignment);
        byte[]? optimizer = state.OptimizerState?.Serialize();
        long size = HeaderBytes + 4 + json.Length + 8 + (4L * state.Length) + 4 + (optimizer?.Length ?? 0)
            + 4 + (12L * state.LastSteps.Count) + 4 + (8L * state.Clocks.Length) + 4;
        var bytes = new byte[checked((int)size)];
        var writer = new Cursor(bytes);
        writer.UInt32(Magic);
        writer.UInt16(Format);
        writer.UInt16(0);
        writer.Int64(id);
        writer.Int64(state.Version);
        writer.Int64(state.UpdateCount);
        writer.Int32(json.Length);
        writer.Bytes(json);
        writer.Int32(state.Start);
        writer.Int32(state.Length);
        writer.Bytes(MemoryMarshal.AsBytes(state.Parameters.AsSpan()));
        writer.Int32(optimizer?.Length ?? -1);
        writer.Bytes(optimizer);
        writer.Int32(state.LastSteps.Count);
        foreach ((int worker, long last) in state.LastSteps.OrderBy(p => p.Key))
        {
            writer.Int32(worker);
            writer.Int64(last);
        }

        writer.Int32(state.Clocks.Length);
        foreach (long clock in state.Clocks)
        {
            writer.Int64(clock);
        }

        writer.UInt32(Crc32C.Compute(bytes.AsSpan(0, writer.Position)));
        System.Diagnostics.Debug.Assert(writer.Position == bytes.Length);
        return bytes;
    }

    /// <summary>The id and version in a checkpoint's header (after checking the whole record).</summary>
    public static (long Id, long Version) ReadHeader(ReadOnlySpan<byte> bytes)
    {
        Check(bytes);
        return (BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]));
    }

    /// <summary>Rebuilds the state a checkpoint holds.</summary>
    /// <exception cref="FormatException">The record is truncated, corrupt, or of an unknown format.</exception>
    public static ShardState Decode(ReadOnlySpan<byte> bytes)
    {
        RequireLittleEndian();
        Check(bytes);
        var reader = new Cursor(bytes[..^4].ToArray()) { Position = 8 };
        reader.Int64(); // the id, read by ReadHeader
        long version = reader.ReadInt64();
        long updates = reader.ReadInt64();
        ShardAssignment assignment = JsonSerializer.Deserialize(reader.Take(reader.ReadCount(1)), ShardCheckpointJsonContext.Default.ShardAssignment)
            ?? throw new FormatException("shard checkpoint: the assignment is null.");
        int start = reader.ReadInt32();
        float[] parameters = MemoryMarshal.Cast<byte, float>(reader.Take(checked(reader.ReadCount(4) * 4))).ToArray();
        int optimizerLength = reader.ReadInt32();
        OptimizerState? optimizer = optimizerLength < 0 ? null : OptimizerState.Deserialize(reader.Take(optimizerLength));
        var lastSteps = new Dictionary<int, long>();
        int lastCount = reader.ReadCount(12);
        for (int i = 0; i < lastCount; i++)
        {
            lastSteps[reader.ReadInt32()] = reader.ReadInt64();
        }

        long[] clocks = new long[reader.ReadCount(8)];
        for (int i = 0; i < clocks.Length; i++)
        {
            clocks[i] = reader.ReadInt64();
        }

        if (reader.Position != bytes.Length - 4)
        {
            throw new FormatException($"shard checkpoint: {bytes.Length - 4 - reader.Position} unread bytes before the checksum.");
        }

        ShardState state = ShardState.FromParts(assignment, start, parameters, optimizer, clocks);
        state.Version = version;
        state.UpdateCount = updates;
        foreach ((int worker, long last) in lastSteps)
        {
            state.LastSteps[worker] = last;
        }

        return state;
    }

    /// <summary>Parameters are copied as raw float32 blocks, which is the documented layout only on little-endian hosts.</summary>
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("shard checkpoints are written on little-endian hosts only.");
        }
    }

    private static void Check(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderBytes + 4 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            throw new FormatException($"shard checkpoint: {bytes.Length} bytes are not a checkpoint record (bad magic or truncated).");
        }

        ushort format = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (format != Format)
        {
            throw new FormatException($"shard checkpoint: format {format} is not supported (this build reads format {Format}).");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        uint actual = Crc32C.Compute(bytes[..^4]);
        if (stored != actual)
        {
            throw new FormatException($"shard checkpoint: checksum mismatch (stored {stored:X8}, computed {actual:X8}): the record is corrupt.");
        }
    }

    /// <summary>A bounds-checked little-endian cursor over a buffer.</summary>
    private sealed class Cursor(byte[] buffer)
    {
        public int Position { get; set; }

        public void UInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Advance(4), value);

        public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Advance(2), value);

        public void Int32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Advance(4), value);

        public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Advance(8), value);

        public void Int64() => Advance(8);

        public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Advance(bytes.Length));

        public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Advance(4));

        public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Advance(8));

        /// <summary>Reads a count of items of <paramref name="itemBytes"/> bytes and checks they fit.</summary>
        public int ReadCount(int itemBytes)
        {
            int count = ReadInt32();
            if (count < 0 || (long)count * itemBytes > buffer.Length - Position)
            {
                throw new FormatException($"shard checkpoint: a count of {count} at byte {Position - 4} overruns the record.");
            }

            return count;
        }

        public ReadOnlySpan<byte> Take(int count) => Advance(count);

        private Span<byte> Advance(int count)
        {
            if (count < 0 || count > buffer.Length - Position)
            {
                throw new FormatException($"shard checkpoint: {count} bytes at byte {Position} overrun the record of {buffer.Length}.");
            }

            Span<byte> span = buffer.AsSpan(Position, count);
            Position += count;
            return span;
        }
    }
}
