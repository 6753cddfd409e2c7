namespace OrleansML.Learning.Tests.Kernels.Sparse;

public class BatchNonzeroPartitionTests
{
    [Fact]
    public void Windows_hold_their_features_in_row_order_with_batch_relative_rows()
    {
        // Rows: [5, 70, 5], [], [130, 64, 3]; windows of 64 features over 200.
        var data = new SparseDataset<int>([0, 3, 3, 6], [5, 70, 5, 130, 64, 3], [1f, 2f, 3f, 4f, 5f, 6f], [0f, 1f, 0f], 200);
        var partition = new BatchNonzeroPartition(200, 6);
        partition.Partition(data, 0, 3);
        Assert.Equal(4, partition.WindowCount);
        Assert.Equal(6, partition.Count);
        AssertWindow(partition, 0, [5, 5, 3], [0, 0, 2], [1f, 3f, 6f]);
        AssertWindow(partition, 1, [70, 64], [0, 2], [2f, 5f]);
        AssertWindow(partition, 2, [130], [2], [4f]);
        AssertWindow(partition, 3, [], [], []);

        // A batch that starts later numbers its rows from its own start, and forgets the previous batch.
        partition.Partition(data, 1, 2);
        Assert.Equal(3, partition.Count);
        AssertWindow(partition, 0, [3], [1], [6f]);
        AssertWindow(partition, 1, [64], [1], [5f]);
    }

    [Fact]
    public void A_window_wider_than_the_model_shrinks_to_it()
    {
        var partition = new BatchNonzeroPartition(10, 12);
        Assert.Equal(4, partition.WindowBits);
        Assert.Equal(1, partition.WindowCount);
    }

    [Fact]
    public void An_id_beyond_the_model_names_its_row()
    {
        var data = new SparseDataset<int>([0, 1, 3], [1, 2, 40], [1f, 1f, 1f], [0f, 1f], 64);
        var partition = new BatchNonzeroPartition(32, 3);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => partition.Partition(data, 0, 2));
        Assert.Contains("Row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("40", error.Message, StringComparison.Ordinal);
    }

    private static void AssertWindow(BatchNonzeroPartition partition, int window, int[] features, int[] rows, float[] values)
    {
        partition.Window(window, out ReadOnlySpan<int> actualFeatures, out ReadOnlySpan<int> actualRows, out ReadOnlySpan<float> actualValues);
        Assert.Equal(features, actualFeatures.ToArray());
        Assert.Equal(rows, actualRows.ToArray());
        Assert.Equal(values, actualValues.ToArray());
    }
}
