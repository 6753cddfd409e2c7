using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using OrleansML.Grains.Shards;
using OrleansML.Learning.Data.Partitioning;
using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Shards;

/// <summary>The shard checkpoint record, streamed through a buffer far smaller than the shard.</summary>
public sealed class ShardCheckpointTests
{
    /// <summary>The smallest buffer the options allow: a shard of 100,001 parameters with Adam (1.2 MB) goes through
    /// it in about 300 pieces, with floats and small values straddling the pieces' edges.</summary>
    private const int SmallBuffer = 4096;

    private static ShardState TrainedState(int features = 7)
    {
        ShardState state = ShardState.Initialize(Assignment("ckpt", ConsistencyMode.Ssp, workers: 3, shards: 2, index: 1,
            model: new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = features }) with
        {
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.1f },
        });
        state.ApplyGradient(Gradient(state.Length, 1));
        state.RecordStep(2, 5);
        state.RecordStep(0, 1);
        return state;
    }

    private static async Task<byte[]> EncodeAsync(long id, ShardState state, int buffer = SmallBuffer)
    {
        using var stream = new MemoryStream();
        await ShardCheckpoint.EncodeAsync(stream, id, state, buffer);
        return stream.ToArray();
    }

    private static Task<(long Id, ShardState State)> DecodeAsync(byte[] bytes, int buffer = SmallBuffer) =>
        ShardCheckpoint.DecodeAsync(new MemoryStream(bytes), bytes.Length, buffer);

    private static void AssertSame(ShardState expected, ShardState back)
    {
        Assert.Equal(expected.Parameters, back.Parameters);
        Assert.Equal(expected.Start, back.Start);
        Assert.Equal(expected.Version, back.Version);
        Assert.Equal(expected.UpdateCount, back.UpdateCount);
        Assert.Equal(expected.Assignment, back.Assignment with { Model = expected.Assignment.Model });
        Assert.Equal(expected.Assignment.Model, back.Assignment.Model);
        Assert.Equal(expected.OptimizerState!.Serialize(), back.OptimizerState!.Serialize());
        Assert.Equal(expected.Clocks, back.Clocks);
        Assert.Equal(expected.LastSteps.OrderBy(p => p.Key), back.LastSteps.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task A_checkpoint_round_trips_parameters_optimizer_state_version_steps_and_clocks()
    {
        ShardState state = TrainedState();

        (long id, ShardState back) = await DecodeAsync(await EncodeAsync(9, state));

        Assert.Equal(9, id);
        AssertSame(state, back);
        Assert.Equal(1, back.Version);
        Assert.Equal(new long[] { 2, 0, 6 }, back.Clocks);
        Assert.True(back.IsDuplicate(0, 1));
        Assert.False(back.IsDuplicate(1, 0));
    }

    [Fact]
    public async Task A_shard_hundreds_of_times_larger_than_the_buffer_round_trips_through_it()
    {
        ShardState state = TrainedState(features: 200_001);
        Assert.Equal(100_001, state.Length);

        byte[] bytes = await EncodeAsync(4, state);
        (long id, ShardState back) = await DecodeAsync(bytes, buffer: SmallBuffer + 3);

        Assert.True(bytes.Length > 250 * SmallBuffer, $"{bytes.Length} bytes");
        Assert.Equal(4, id);
        AssertSame(state, back);
        Assert.Equal(bytes, await EncodeAsync(4, state, buffer: 1 << 20));
    }

    [Fact]
    public async Task A_snapshot_keeps_the_state_of_its_turn_while_the_live_state_moves_on()
    {
        ShardState live = TrainedState();
        byte[] before = await EncodeAsync(1, live);

        ShardState snapshot = ShardCheckpoint.Snapshot(live);
        live.ApplyGradient(Gradient(live.Length, 2));
        live.RecordStep(1, 9);

        Assert.Equal(before, await EncodeAsync(1, snapshot));
        Assert.NotEqual(before, await EncodeAsync(1, live));
    }

    [Fact]
    public async Task A_corrupt_or_truncated_checkpoint_is_an_error_not_parameters()
    {
        byte[] bytes = await EncodeAsync(3, TrainedState(features: 20_001));

        byte[] flipped = [.. bytes];
        flipped[bytes.Length / 2] ^= 0x10;
        Assert.Contains("checksum mismatch", (await Assert.ThrowsAsync<FormatException>(() => DecodeAsync(flipped))).Message, StringComparison.Ordinal);

        byte[] truncated = bytes[..^9];
        var cut = await Assert.ThrowsAsync<FormatException>(() => ShardCheckpoint.DecodeAsync(new MemoryStream(truncated), bytes.Length, SmallBuffer));
        Assert.Contains("truncated", cut.Message, StringComparison.Ordinal);
        Assert.Contains("not a checkpoint", (await Assert.ThrowsAsync<FormatException>(() => DecodeAsync(new byte[10]))).Message, StringComparison.Ordinal);

        byte[] future = [.. bytes];
        future[4] = 9;
        Assert.Contains("format 9", (await Assert.ThrowsAsync<FormatException>(() => DecodeAsync(future))).Message, StringComparison.Ordinal);

        // A damaged count is refused before anything is allocated for it.
        byte[] huge = [.. bytes];
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(huge.AsSpan(32));
        BinaryPrimitives.WriteInt32LittleEndian(huge.AsSpan(36 + jsonLength + 4), int.MaxValue);
        Assert.Contains("overruns the record", (await Assert.ThrowsAsync<FormatException>(() => DecodeAsync(huge))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_format_1_checkpoint_written_before_streaming_still_reads()
    {
        ShardState state = TrainedState(features: 3_001);

        (long id, ShardState back) = await DecodeAsync(FormatOne(12, state));

        Assert.Equal(12, id);
        AssertSame(state, back);
    }

    /// <summary>The format-1 layout as the encoder before format 2 wrote it: the optimizer state as one
    /// length-prefixed <see cref="OptimizerState.Serialize"/> block.</summary>
    private static byte[] FormatOne(long id, ShardState state)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(state.Assignment, ShardCheckpointJsonContext.Default.ShardAssignment);
        byte[] optimizer = state.OptimizerState!.Serialize();
        writer.Write(0x43534D4Fu);
        writer.Write((ushort)1);
        writer.Write((ushort)0);
        writer.Write(id);
        writer.Write(state.Version);
        writer.Write(state.UpdateCount);
        writer.Write(json.Length);
        writer.Write(json);
        writer.Write(state.Start);
        writer.Write(state.Length);
        writer.Write(MemoryMarshal.AsBytes(state.Parameters.AsSpan()));
        writer.Write(optimizer.Length);
        writer.Write(optimizer);
        writer.Write(state.LastSteps.Count);
        foreach ((int worker, long last) in state.LastSteps.OrderBy(p => p.Key))
        {
            writer.Write(worker);
            writer.Write(last);
        }

        writer.Write(state.Clocks.Length);
        foreach (long clock in state.Clocks)
        {
            writer.Write(clock);
        }

        writer.Flush();
        writer.Write(Crc32C.Compute(stream.ToArray()));
        writer.Flush();
        return stream.ToArray();
    }
}
