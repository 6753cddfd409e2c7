using OrleansML.Grains.Shards;
using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Shards;

public sealed class ShardCheckpointTests
{
    private static ShardState TrainedState()
    {
        ShardState state = ShardState.Initialize(Assignment("ckpt", ConsistencyMode.Ssp, workers: 3, shards: 2, index: 1) with
        {
            Optimizer = new Learning.Optimizers.OptimizerSettings { Kind = Learning.Optimizers.OptimizerKind.Adam, LearningRate = 0.1f },
        });
        state.ApplyGradient(Gradient(state.Length, 1));
        state.RecordStep(2, 5);
        state.RecordStep(0, 1);
        return state;
    }

    [Fact]
    public void A_checkpoint_round_trips_parameters_optimizer_state_version_steps_and_clocks()
    {
        ShardState state = TrainedState();
        byte[] bytes = ShardCheckpoint.Encode(9, state);

        Assert.Equal((9L, 1L), ShardCheckpoint.ReadHeader(bytes));
        ShardState back = ShardCheckpoint.Decode(bytes);
        Assert.Equal(state.Parameters, back.Parameters);
        Assert.Equal(state.Start, back.Start);
        Assert.Equal(1, back.Version);
        Assert.Equal(1, back.UpdateCount);
        Assert.Equal(state.Assignment, back.Assignment with { Model = state.Assignment.Model });
        Assert.Equal(state.Assignment.Model, back.Assignment.Model);
        Assert.Equal(state.OptimizerState!.Serialize(), back.OptimizerState!.Serialize());
        Assert.Equal(new long[] { 2, 0, 6 }, back.Clocks);
        Assert.Equal(5, back.LastSteps[2]);
        Assert.True(back.IsDuplicate(0, 1));
        Assert.False(back.IsDuplicate(1, 0));
    }

    [Fact]
    public void A_corrupt_or_truncated_checkpoint_is_an_error_not_parameters()
    {
        byte[] bytes = ShardCheckpoint.Encode(3, TrainedState());

        byte[] flipped = [.. bytes];
        flipped[bytes.Length / 2] ^= 0x10;
        Assert.Contains("checksum mismatch", Assert.Throws<FormatException>(() => ShardCheckpoint.Decode(flipped)).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ShardCheckpoint.ReadHeader(flipped));

        Assert.Throws<FormatException>(() => ShardCheckpoint.Decode(bytes.AsSpan(0, bytes.Length - 9)));
        Assert.Contains("not a checkpoint", Assert.Throws<FormatException>(() => ShardCheckpoint.Decode(new byte[10])).Message, StringComparison.Ordinal);

        byte[] future = [.. bytes];
        future[4] = 9;
        Assert.Contains("format 9", Assert.Throws<FormatException>(() => ShardCheckpoint.Decode(future)).Message, StringComparison.Ordinal);
    }
}
