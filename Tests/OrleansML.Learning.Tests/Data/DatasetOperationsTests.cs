namespace OrleansML.Learning.Tests.Data;

public class DatasetOperationsTests
{
    // Row r has features (r, 10r) and label r, so any row can be identified after reordering.
    internal static DenseDataset NumberedDense(int rows)
    {
        float[] features = new float[rows * 2];
        float[] labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            (features[2 * r], features[(2 * r) + 1], labels[r]) = (r, 10 * r, r);
        }

        return new DenseDataset(features, labels, 2);
    }

    // Row r has r % 4 entries with ids r..r+k and values r; label r.
    internal static SparseDataset<int> NumberedSparse(int rows)
    {
        var pointers = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        var labels = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < r % 4; k++)
            {
                indices.Add(r + k);
                values.Add(r);
            }

            pointers.Add(indices.Count);
            labels.Add(r);
        }

        return new SparseDataset<int>([.. pointers], [.. indices], [.. values], [.. labels], rows + 4);
    }

    private static void AssertDenseRowsMatchLabels(DenseDataset data)
    {
        for (int r = 0; r < data.RowCount; r++)
        {
            float original = data.Labels[r];
            Assert.Equal(new[] { original, 10 * original }, data.Row(r).ToArray());
        }
    }

    private static void AssertSparseRowsMatchLabels(SparseDataset<int> data)
    {
        for (int r = 0; r < data.RowCount; r++)
        {
            int original = (int)data.Labels[r];
            Assert.Equal(Enumerable.Range(original, original % 4).ToArray(), data.RowIndices(r).ToArray());
            Assert.All(data.RowValues(r).ToArray(), v => Assert.Equal(original, v));
        }
    }

    [Fact]
    public void Dense_shuffle_is_a_seeded_permutation_that_keeps_rows_whole()
    {
        DenseDataset source = NumberedDense(50);
        DenseDataset first = DatasetOperations.Shuffle(source, seed: 7);
        DenseDataset again = DatasetOperations.Shuffle(source, seed: 7);
        DenseDataset other = DatasetOperations.Shuffle(source, seed: 8);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), first.Labels.ToArray().Order());
        Assert.NotEqual(source.Labels.ToArray(), first.Labels.ToArray());
        Assert.Equal(first.Labels.ToArray(), again.Labels.ToArray());
        Assert.NotEqual(first.Labels.ToArray(), other.Labels.ToArray());
        AssertDenseRowsMatchLabels(first);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), source.Labels.ToArray());
    }

    [Fact]
    public void Sparse_shuffle_keeps_rows_whole()
    {
        SparseDataset<int> shuffled = DatasetOperations.Shuffle(NumberedSparse(40), seed: 1);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (float)i), shuffled.Labels.ToArray().Order());
        Assert.Equal(NumberedSparse(40).NonzeroCount, shuffled.NonzeroCount);
        AssertSparseRowsMatchLabels(shuffled);
    }

    [Fact]
    public void Take_by_range_and_by_index_list_copy_the_right_rows()
    {
        DenseDataset dense = NumberedDense(10);
        SparseDataset<int> sparse = NumberedSparse(10);

        Assert.Equal(new[] { 3f, 4f, 5f }, DatasetOperations.TakeRows(dense, 3..6).Labels.ToArray());
        Assert.Equal(new[] { 8f, 9f }, DatasetOperations.TakeRows(dense, ^2..).Labels.ToArray());
        Assert.Equal(new[] { 9f, 0f, 9f }, DatasetOperations.TakeRows(dense, [9, 0, 9]).Labels.ToArray());
        SparseDataset<int> range = DatasetOperations.TakeRows(sparse, 5..8);
        Assert.Equal(new[] { 0, 1, 3, 6 }, range.RowPointers.ToArray());
        AssertSparseRowsMatchLabels(range);
        SparseDataset<int> picked = DatasetOperations.TakeRows(sparse, [7, 2, 7]);
        Assert.Equal(new[] { 7f, 2f, 7f }, picked.Labels.ToArray());
        AssertSparseRowsMatchLabels(picked);
        AssertDenseRowsMatchLabels(DatasetOperations.TakeRows(dense, [4, 1]));
    }

    [Fact]
    public void Take_rejects_rows_outside_the_dataset()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetOperations.TakeRows(NumberedDense(3), [0, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetOperations.TakeRows(NumberedSparse(3), 2..5));
    }

    [Fact]
    public void Split_partitions_rows_by_fraction_without_overlap()
    {
        (DenseDataset train, DenseDataset test) = DatasetOperations.SplitTrainTest(NumberedDense(100), 0.25, seed: 3);
        (SparseDataset<int> sparseTrain, SparseDataset<int> sparseTest) = DatasetOperations.SplitTrainTest(NumberedSparse(100), 0.25, seed: 3);

        Assert.Equal((75, 25), (train.RowCount, test.RowCount));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), train.Labels.ToArray().Concat(test.Labels.ToArray()).Order());
        Assert.Equal(test.Labels.ToArray(), sparseTest.Labels.ToArray());
        Assert.Equal(train.Labels.ToArray(), sparseTrain.Labels.ToArray());
        AssertSparseRowsMatchLabels(sparseTest);
        AssertDenseRowsMatchLabels(train);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Split_fraction_must_lie_strictly_between_zero_and_one(double fraction)
    {
        Assert.Equal("testFraction", Assert.Throws<ArgumentOutOfRangeException>(() => DatasetOperations.SplitTrainTest(NumberedDense(10), fraction, 1)).ParamName);
    }
}
