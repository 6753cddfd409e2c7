using Microsoft.Extensions.Configuration;
using OrleansML.Grains.Hosting.Transport;

namespace OrleansML.Training.Tests.Transport;

public sealed class TransportSettingsTests
{
    [Fact]
    public void Without_a_section_the_bulk_transport_with_1_MiB_segments_is_used()
    {
        TransportSettings settings = TransportSettings.Load(Configuration([]));

        Assert.Equal(TransportKind.Bulk, settings.Kind);
        Assert.Equal(1024 * 1024, settings.SegmentSize);
        Assert.Equal(8 * 1024 * 1024, settings.SendSegmentSize);
    }

    [Fact]
    public void Kind_and_segment_size_are_read_and_the_kind_ignores_case()
    {
        TransportSettings settings = TransportSettings.Load(Configuration(new()
        {
            ["OrleansML:Transport:Kind"] = "orleans",
            ["OrleansML:Transport:SegmentSize"] = "65536",
            ["OrleansML:Transport:SendSegmentSize"] = "16777216",
        }));

        Assert.Equal(TransportKind.Orleans, settings.Kind);
        Assert.Equal(65536, settings.SegmentSize);
        Assert.Equal(16 * 1024 * 1024, settings.SendSegmentSize);
    }

    [Theory]
    [InlineData("Kestrel")]
    [InlineData("1")]
    [InlineData("")]
    public void An_unknown_kind_is_refused_naming_the_key_and_the_kinds(string kind)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TransportSettings.Load(Configuration(new() { ["OrleansML:Transport:Kind"] = kind })));

        Assert.Contains("OrleansML:Transport:Kind", error.Message, StringComparison.Ordinal);
        Assert.Contains("Bulk, Orleans", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Receive segments lie in 4 KiB to 4 MiB, send segments in 4 KiB to 64 MiB (the bound is named).</summary>
    [Theory]
    [InlineData("SegmentSize", "4095", "")]
    [InlineData("SegmentSize", "4194305", "")]
    [InlineData("SegmentSize", "128K", "")]
    [InlineData("SendSegmentSize", "4095", "67108864")]
    [InlineData("SendSegmentSize", "67108865", "67108864")]
    [InlineData("SendSegmentSize", "8M", "67108864")]
    public void A_segment_size_out_of_range_is_refused_naming_the_key(string key, string size, string bound)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TransportSettings.Load(Configuration(new() { [$"OrleansML:Transport:{key}"] = size })));

        Assert.Contains($"OrleansML:Transport:{key}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{size}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(bound, error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
