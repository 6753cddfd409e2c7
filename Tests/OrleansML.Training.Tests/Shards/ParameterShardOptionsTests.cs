using OrleansML.Grains.Shards;

namespace OrleansML.Training.Tests.Shards;

/// <summary>The shard options a silo validates at start, each error naming its option.</summary>
public sealed class ParameterShardOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_keep_the_checkpoint_timeout_below_the_long_calls_response_timeout()
    {
        var options = new ParameterShardOptions();

        options.Validate();

        Assert.Equal(TimeSpan.FromMinutes(15), options.CheckpointTimeout);
        Assert.Equal(1 << 20, options.CheckpointBufferBytes);
        Assert.True(ParameterShardOptions.MaxCheckpointTimeout < TimeSpan.Parse(IParameterShardGrain.LongCallResponseTimeout, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(0.0, 1 << 20, "CheckpointTimeout")]
    [InlineData(51.0, 1 << 20, "CheckpointTimeout")]
    [InlineData(1.0, 4095, "CheckpointBufferBytes")]
    [InlineData(1.0, (64 << 20) + 1, "CheckpointBufferBytes")]
    public void A_checkpoint_timeout_or_buffer_out_of_range_is_refused_by_name(double minutes, int bufferBytes, string option)
    {
        var options = new ParameterShardOptions { CheckpointTimeout = TimeSpan.FromMinutes(minutes), CheckpointBufferBytes = bufferBytes };

        var e = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(option, e.ParamName);
        Assert.Contains($"ParameterShardOptions.{option}", e.Message, StringComparison.Ordinal);
    }
}
