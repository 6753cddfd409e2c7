using System.Text.Json;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Shards;

/// <summary>
/// One checkpoint of a shard, streamed to and from the blob store in a small versioned little-endian layout
/// (format 2):
/// <code>
/// u32 magic "OMSC" | u16 format | u16 reserved | i64 id | i64 version | i64 update count
/// i32 json length | assignment (UTF-8 JSON)  | i32 start | i32 length | f32[length] parameters
/// i32 optimizer buffer count (-1: none) | u16 name length | optimizer name (UTF-8) | f32[length] per buffer
/// i32 last-step count | (i32 worker, i64 step)[count] | i32 clock count | i64[count] clocks
/// u32 CRC-32C of everything before it
/// </code>
/// Nothing in it is a length in bytes of a large part, so no part is ever one array: a shard of any size (more than
/// 2 GiB of optimizer state, say) is written and read through one bounded buffer. Format 1, written before, differs
/// only in its optimizer part (<c>i32 byte length (-1: none) | OptimizerState.Serialize</c>) and still reads.
/// A record whose magic, format, counts or checksum is wrong is refused with a <see cref="FormatException"/>, never
/// loaded as parameters.
/// </summary>
internal static class ShardCheckpoint
{
    /// <summary>The CRC-32C trailer's size.</summary>
    private const int TrailerBytes = 4;
    private const uint Magic = 0x43534D4F; // "OMSC"
    private const ushort LegacyFormat = 1;
    private const ushort Format = 2;

    /// <summary>
    /// A copy of <paramref name="state"/>'s arrays and counters, taken synchronously (so within the caller's turn),
    /// that later pushes cannot change: what a checkpoint writes while the live state moves on. Costs one copy of
    /// the parameters and optimizer state, in arrays of the live state's sizes.
    /// </summary>
    public static ShardState Snapshot(ShardState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        OptimizerState? optimizer = null;
        if (state.OptimizerState is { } live)
        {
            optimizer = new OptimizerState(live.OptimizerName, live.BufferCount, live.ParameterCount);
            for (int i = 0; i < live.BufferCount; i++)
            {
                live.Buffer(i).CopyTo(optimizer.Buffer(i));
            }
        }

        ShardState copy = ShardState.FromParts(state.Assignment, state.Start, (float[])state.Parameters.Clone(), optimizer, (long[])state.Clocks.Clone());
        copy.Version = state.Version;
        copy.UpdateCount = state.UpdateCount;
        foreach ((int worker, long last) in state.LastSteps)
        {
            copy.LastSteps[worker] = last;
        }

        return copy;
    }

    /// <summary>Writes checkpoint <paramref name="id"/> of <paramref name="state"/> to <paramref name="stream"/> through a
    /// buffer of <paramref name="bufferBytes"/>. The state must not change meanwhile (pass a <see cref="Snapshot"/>).</summary>
    public static async Task EncodeAsync(Stream stream, long id, ShardState state, int bufferBytes, CancellationToken cancellationToken = default)
    {
        RequireLittleEndian();
        using var writer = new ShardCheckpointWriter(stream, bufferBytes);
        writer.UInt32(Magic);
        writer.UInt16(Format);
        writer.UInt16(0);
        writer.Int64(id);
        writer.Int64(state.Version);
        writer.Int64(state.UpdateCount);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(state.Assignment, ShardCheckpointJsonContext.Default.ShardAssignment);
        writer.Int32(json.Length);
        await writer.BytesAsync(json, cancellationToken);
        await writer.ReserveAsync(8, cancellationToken);
        writer.Int32(state.Start);
        writer.Int32(state.Length);
        await writer.FloatsAsync(state.Parameters, cancellationToken);
        if (state.OptimizerState is { } optimizer)
        {
            byte[] name = System.Text.Encoding.UTF8.GetBytes(optimizer.OptimizerName);
            await writer.ReserveAsync(6, cancellationToken);
            writer.Int32(optimizer.BufferCount);
            writer.UInt16(checked((ushort)name.Length));
            await writer.BytesAsync(name, cancellationToken);
            for (int i = 0; i < optimizer.BufferCount; i++)
            {
                await writer.FloatsAsync(optimizer, i, cancellationToken);
            }
        }
        else
        {
            await writer.ReserveAsync(4, cancellationToken);
            writer.Int32(-1);
        }

        await writer.ReserveAsync(4, cancellationToken);
        writer.Int32(state.LastSteps.Count);
        foreach ((int worker, long last) in state.LastSteps.OrderBy(p => p.Key))
        {
            await writer.ReserveAsync(12, cancellationToken);
            writer.Int32(worker);
            writer.Int64(last);
        }

        await writer.ReserveAsync(4, cancellationToken);
        writer.Int32(state.Clocks.Length);
        foreach (long clock in state.Clocks)
        {
            await writer.ReserveAsync(8, cancellationToken);
            writer.Int64(clock);
        }

        await writer.FinishAsync(cancellationToken);
    }

    /// <summary>Rebuilds checkpoint id and state from a record of <paramref name="length"/> bytes (format 1 or 2).</summary>
    /// <exception cref="FormatException">The record is truncated, corrupt, or of an unknown format.</exception>
    public static async Task<(long Id, ShardState State)> DecodeAsync(Stream stream, long length, int bufferBytes, CancellationToken cancellationToken = default)
    {
        RequireLittleEndian();
        using var reader = new ShardCheckpointReader(stream, length - TrailerBytes, bufferBytes);
        if (length < 32 + TrailerBytes || await reader.UInt32Async(cancellationToken) != Magic)
        {
            throw new FormatException($"shard checkpoint: {length} bytes are not a checkpoint record (bad magic or truncated).");
        }

        ushort format = await reader.UInt16Async(cancellationToken);
        if (format is not (LegacyFormat or Format))
        {
            throw new FormatException($"shard checkpoint: format {format} is not supported (this build reads formats {LegacyFormat} and {Format}).");
        }

        await reader.UInt16Async(cancellationToken); // reserved
        long id = await reader.Int64Async(cancellationToken);
        long version = await reader.Int64Async(cancellationToken);
        long updates = await reader.Int64Async(cancellationToken);
        byte[] json = await reader.BytesAsync(await reader.CountAsync(1, cancellationToken), cancellationToken);
        ShardAssignment assignment;
        try
        {
            assignment = JsonSerializer.Deserialize(json, ShardCheckpointJsonContext.Default.ShardAssignment)
                ?? throw new FormatException("shard checkpoint: the assignment is null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"shard checkpoint: the assignment is not valid JSON: {e.Message}", e);
        }

        int start = await reader.Int32Async(cancellationToken);
        float[] parameters = new float[await reader.CountAsync(4, cancellationToken)];
        await reader.FloatsAsync(parameters, cancellationToken);
        OptimizerState? optimizer = format == LegacyFormat
            ? await ReadLegacyOptimizerAsync(reader, cancellationToken)
            : await ReadOptimizerAsync(reader, parameters.Length, cancellationToken);
        var lastSteps = new Dictionary<int, long>();
        int lastCount = await reader.CountAsync(12, cancellationToken);
        for (int i = 0; i < lastCount; i++)
        {
            lastSteps[await reader.Int32Async(cancellationToken)] = await reader.Int64Async(cancellationToken);
        }

        long[] clocks = new long[await reader.CountAsync(8, cancellationToken)];
        for (int i = 0; i < clocks.Length; i++)
        {
            clocks[i] = await reader.Int64Async(cancellationToken);
        }

        await reader.FinishAsync(cancellationToken);
        ShardState state = ShardState.FromParts(assignment, start, parameters, optimizer, clocks);
        state.Version = version;
        state.UpdateCount = updates;
        foreach ((int worker, long last) in lastSteps)
        {
            state.LastSteps[worker] = last;
        }

        return (id, state);
    }

    private static async Task<OptimizerState?> ReadOptimizerAsync(ShardCheckpointReader reader, int length, CancellationToken cancellationToken)
    {
        int buffers = await reader.Int32Async(cancellationToken);
        if (buffers < 0)
        {
            return buffers == -1 ? null : throw new FormatException($"shard checkpoint: {buffers} optimizer buffers.");
        }

        string name = System.Text.Encoding.UTF8.GetString(await reader.BytesAsync(await reader.UInt16Async(cancellationToken), cancellationToken));
        if (name.Length == 0 || (long)buffers * length * sizeof(float) > reader.Remaining)
        {
            throw new FormatException($"shard checkpoint: optimizer '{name}' with {buffers} buffers of {length} floats overruns the record.");
        }

        var state = new OptimizerState(name, buffers, length);
        for (int i = 0; i < buffers; i++)
        {
            await reader.FloatsAsync(state, i, cancellationToken);
        }

        return state;
    }

    /// <summary>Format 1 stored the optimizer state as one serialized block, which always fit one array.</summary>
    private static async Task<OptimizerState?> ReadLegacyOptimizerAsync(ShardCheckpointReader reader, CancellationToken cancellationToken)
    {
        int bytes = await reader.Int32Async(cancellationToken);
        if (bytes == -1)
        {
            return null;
        }

        if (bytes < 0 || bytes > reader.Remaining)
        {
            throw new FormatException($"shard checkpoint: an optimizer state of {bytes} bytes overruns the record.");
        }

        return OptimizerState.Deserialize(await reader.BytesAsync(bytes, cancellationToken));
    }

    /// <summary>Parameters are copied as raw float32 blocks, which is the documented layout only on little-endian hosts.</summary>
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("shard checkpoints are written on little-endian hosts only.");
        }
    }
}
