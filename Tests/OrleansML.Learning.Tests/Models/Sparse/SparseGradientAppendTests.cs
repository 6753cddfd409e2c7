namespace OrleansML.Learning.Tests.Models.Sparse;

public class SparseGradientAppendTests
{
    [Fact]
    public void Reserved_entries_count_once_committed_and_stay_sorted()
    {
        var gradient = new SparseGradient(100, 2);
        gradient.AppendAscending(1, 0.5f);
        gradient.ReserveAscending(5, out Span<int> keys, out Span<float> values);
        keys[0] = 3;
        keys[1] = 40;
        values[0] = 1f;
        values[1] = 2f;
        gradient.CommitAscending(2);
        gradient.AppendAscending(99, 3f);
        gradient.SortByKey();
        Assert.Equal([1, 3, 40, 99], gradient.Keys.ToArray());
        Assert.Equal([0.5f, 1f, 2f, 3f], gradient.Values.ToArray());
    }

    [Theory]
    [InlineData(new[] { 5, 5 })]
    [InlineData(new[] { 7, 6 })]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 50, 100 })]
    public void Commit_refuses_keys_that_do_not_ascend_strictly_in_range(int[] written)
    {
        var gradient = new SparseGradient(100);
        gradient.AppendAscending(2, 1f);
        gradient.ReserveAscending(written.Length, out Span<int> keys, out _);
        written.CopyTo(keys);
        Assert.Throws<InvalidOperationException>(() => gradient.CommitAscending(written.Length));
        Assert.Equal(1, gradient.Count);
    }

    [Fact]
    public void Reserve_refuses_a_gradient_built_with_Add()
    {
        var gradient = new SparseGradient(10);
        gradient.Add(4, 1f);
        Assert.Throws<InvalidOperationException>(() => gradient.ReserveAscending(1, out _, out _));
    }
}
