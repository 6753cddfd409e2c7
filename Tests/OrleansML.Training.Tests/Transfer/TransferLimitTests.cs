using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansML.Grains.Transfer;
using OrleansML.Transfer;

namespace OrleansML.Training.Tests.Transfer;

/// <summary>The chunk arithmetic, the <c>OrleansML:Transfer</c> option's validation, and the job-start check.</summary>
public sealed class TransferLimitTests
{
    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 5)]
    [InlineData(5, 5)]
    [InlineData(6, 5)]
    [InlineData(23, 5)]
    [InlineData(4_194_305, 4_194_304)]
    public void Ranges_cover_the_total_exactly_in_order_and_only_the_last_is_short(long total, int perRange)
    {
        (long Offset, int Count)[] ranges = [.. TransferRanges.Split(total, perRange)];

        Assert.Equal(TransferRanges.Count(total, perRange), ranges.Length);
        long next = 0;
        for (int i = 0; i < ranges.Length; i++)
        {
            Assert.Equal(next, ranges[i].Offset);
            Assert.InRange(ranges[i].Count, 1, perRange);
            if (i < ranges.Length - 1)
            {
                Assert.Equal(perRange, ranges[i].Count);
            }

            next += ranges[i].Count;
        }

        Assert.Equal(total, next);
        if (total % perRange != 0)
        {
            Assert.Equal(total % perRange, ranges[^1].Count);
        }
    }

    [Fact]
    public void Elements_per_message_round_down_and_never_reach_zero()
    {
        Assert.Equal(4 << 20, TransferRanges.ElementsPerMessage(16 << 20, sizeof(float)));
        Assert.Equal(1024, TransferRanges.ElementsPerMessage(4099, sizeof(float)));
        Assert.Equal(1, TransferRanges.ElementsPerMessage(3, sizeof(float)));
        Assert.Equal(4 << 20, new TransferOptions().FloatsPerMessage);
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(0, 0)]
    [InlineData(97, 4)]
    [InlineData(0, 101)]
    public void A_range_outside_the_total_or_longer_than_a_message_is_refused(long offset, int count)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TransferRanges.CheckRange("shard s", offset, count, total: 100, maxCount: 100));
        Assert.Contains("shard s", error.Message, StringComparison.Ordinal);
        TransferRanges.CheckRange("shard s", 96, 4, total: 100, maxCount: 100);
    }

    [Fact]
    public void A_range_longer_than_a_message_names_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TransferRanges.CheckRange("model m", 0, 50, total: 100, maxCount: 40));
        Assert.Contains("OrleansML:Transfer:MaxMessageBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_is_valid_against_Orleans_default_limit()
    {
        var messaging = new SiloMessagingOptions();
        Assert.Equal(16 << 20, new TransferOptions().MaxMessageBytes);
        Assert.True(Check(new TransferOptions(), messaging).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(4095)]
    public void A_size_below_the_minimum_is_refused_naming_the_option(int bytes)
    {
        ValidateOptionsResult result = Check(new TransferOptions { MaxMessageBytes = bytes }, new SiloMessagingOptions());
        Assert.True(result.Failed);
        Assert.Contains("OrleansML:Transfer:MaxMessageBytes", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_not_well_below_Orleans_limit_as_configured_is_refused_naming_both_options()
    {
        var messaging = new SiloMessagingOptions { MaxMessageBodySize = 20 << 20 };
        Assert.True(Check(new TransferOptions { MaxMessageBytes = 10 << 20 }, messaging).Succeeded);

        ValidateOptionsResult result = Check(new TransferOptions { MaxMessageBytes = (10 << 20) + 1 }, messaging);
        Assert.True(result.Failed);
        Assert.Contains("OrleansML:Transfer:MaxMessageBytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaxMessageBodySize", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains((20 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_whose_steps_push_whole_slices_over_the_limit_is_refused_with_the_shard_count_it_needs()
    {
        // 2^20 + 1 parameters; 1 MiB messages carry 262,144 floats, so 5 shards are needed.
        var dense = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 1 << 20 };
        var options = new TransferOptions { MaxMessageBytes = 1 << 20 };
        var error = Assert.Throws<TrainingSpecException>(() => TransferLimits.CheckJob(Spec(dense, ConsistencyMode.Bsp, shards: 4), options));
        Assert.Equal("shards", error.Field);
        Assert.Contains("at least 5 shards", error.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansML:Transfer:MaxMessageBytes", error.Message, StringComparison.Ordinal);
        TransferLimits.CheckJob(Spec(dense, ConsistencyMode.Bsp, shards: 5), options);
    }

    [Fact]
    public void A_sparse_model_is_refused_only_where_whole_models_move_every_step()
    {
        var hashed = new ModelSpec { Kind = ModelKind.HashedLogisticRegression, HashBits = 20 };
        var options = new TransferOptions { MaxMessageBytes = 1 << 20 };
        TransferLimits.CheckJob(Spec(hashed, ConsistencyMode.Bsp, shards: 1), options);
        TransferLimits.CheckJob(Spec(hashed, ConsistencyMode.Ssp, shards: 1), options);
        Assert.Equal("shards", Assert.Throws<TrainingSpecException>(() => TransferLimits.CheckJob(Spec(hashed, ConsistencyMode.ModelAveraging, shards: 1), options)).Field);
        Assert.Equal("mode", Assert.Throws<TrainingSpecException>(() => TransferLimits.CheckJob(Spec(hashed, ConsistencyMode.Lbfgs, shards: 8), options)).Field);
    }

    private static ValidateOptionsResult Check(TransferOptions transfer, SiloMessagingOptions messaging) =>
        new TransferOptionsCheck(Options.Create(messaging)).Validate(null, transfer);

    private static TrainingSpec Spec(ModelSpec model, ConsistencyMode mode, int shards) => new()
    {
        JobId = "transfer-check",
        Model = model,
        Mode = mode,
        Shards = shards,
        Data = new DataSpec { TrainManifest = "datasets/none/none.manifest.json" },
    };
}
