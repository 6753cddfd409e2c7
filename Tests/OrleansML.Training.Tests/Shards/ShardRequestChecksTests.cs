using OrleansML.Grains.Shards;

namespace OrleansML.Training.Tests.Shards;

public sealed class ShardRequestChecksTests
{
    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(13, float.PositiveInfinity)] // inside a block of eight
    [InlineData(3924, float.NegativeInfinity)] // in the scalar tail
    public void The_finite_check_names_the_first_non_finite_value_wherever_it_is(int index, float bad)
    {
        float[] values = [.. Enumerable.Range(0, 3925).Select(i => (i % 7) - 3.5f)];
        ShardRequestChecks.CheckFinite(values, "job/shards/0", "push"); // all finite: no error
        values[index] = bad;
        values[^1] = index == 3924 ? bad : float.NaN; // a later culprit must not be the one named
        var error = Assert.Throws<ArgumentException>(() => ShardRequestChecks.CheckFinite(values, "job/shards/0", "push"));
        Assert.Contains($"value {index} is {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}", error.Message, StringComparison.Ordinal);
    }
}
