using OrleansML.Grains.Checkpoints;
using OrleansML.Grains.Jobs;

namespace OrleansML.Training.Tests.Jobs;

/// <summary>A resumed L-BFGS coordinator takes the state that matches its record's completed rounds, also when it
/// died after saving a round's state and before saving the record that counts the round.</summary>
public sealed class LbfgsCheckpointTests
{
    private static BlobReference Blob(string name) => new() { Name = name, Length = 1 };

    [Fact]
    public void The_state_of_the_records_round_is_found_among_the_last_two()
    {
        var checkpoint = new LbfgsCheckpoint().With(1, Blob("1")).With(2, Blob("2")).With(3, Blob("3"));

        Assert.Equal("3", checkpoint.After(3)?.Name);
        Assert.Equal("2", checkpoint.After(2)?.Name); // the record counts 2 rounds; round 3's state was saved before it died
        Assert.Equal(["3", "2"], checkpoint.Blobs.Select(b => b.Name));
    }

    [Fact]
    public void Round_zero_starts_from_the_initial_point_even_if_round_one_was_saved()
    {
        var checkpoint = new LbfgsCheckpoint().With(1, Blob("1"));

        Assert.Null(checkpoint.After(0));
        Assert.Equal("1", checkpoint.After(1)?.Name);
    }

    [Fact]
    public void Saving_a_round_again_keeps_the_previous_round()
    {
        var checkpoint = new LbfgsCheckpoint().With(1, Blob("1")).With(2, Blob("2")).With(2, Blob("22"));

        Assert.Equal("22", checkpoint.After(2)?.Name);
        Assert.Equal("1", checkpoint.After(1)?.Name);
        Assert.Equal(["22", "1"], checkpoint.Blobs.Select(b => b.Name));
    }
}
