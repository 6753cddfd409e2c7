using OrleansML.Grains.Workers;

namespace OrleansML.Training.Tests.Workers;

public sealed class DatasetJoinTests
{
    [Fact]
    public void DenseShuffledGathersTheRowsShuffleWouldPutAfterAJoin()
    {
        // An empty part in the middle: its first row is the next part's, which the lookup must skip.
        DenseDataset[] parts = [Part(rows: 5, columns: 3, first: 0), Part(rows: 0, columns: 3, first: 5), Part(rows: 7, columns: 3, first: 5), Part(rows: 1, columns: 3, first: 12)];

        DenseDataset expected = DatasetOperations.Shuffle(DatasetJoin.Dense(parts), seed: 11);
        DenseDataset actual = DatasetJoin.DenseShuffled(parts, seed: 11);

        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        Assert.Equal(expected.Features.ToArray(), actual.Features.ToArray());
        Assert.Equal(expected.Labels.ToArray(), actual.Labels.ToArray());
    }

    [Fact]
    public void DenseShuffledRejectsPartsOfDifferentWidths()
    {
        DataFormatException error = Assert.Throws<DataFormatException>(() => DatasetJoin.DenseShuffled([Part(2, 3, 0), Part(2, 4, 2)], seed: 1));
        Assert.Contains("column count (4 vs 3)", error.Message);
    }

    [Fact]
    public void SparseShuffledGathersTheRowsShuffleWouldPutAfterAJoin()
    {
        // Rows of 0, 1 or 2 nonzeros, and an empty part.
        SparseDataset<int>[] parts = [SparsePart(rows: 4, first: 0), SparsePart(rows: 0, first: 4), SparsePart(rows: 6, first: 4), SparsePart(rows: 3, first: 10)];

        SparseDataset<int> expected = DatasetOperations.Shuffle(DatasetJoin.Sparse(parts), seed: 5);
        SparseDataset<int> actual = DatasetJoin.SparseShuffled(parts, seed: 5);

        Assert.Equal(expected.RowPointers.ToArray(), actual.RowPointers.ToArray());
        Assert.Equal(expected.Indices.ToArray(), actual.Indices.ToArray());
        Assert.Equal(expected.Values.ToArray(), actual.Values.ToArray());
        Assert.Equal(expected.Labels.ToArray(), actual.Labels.ToArray());
        Assert.Equal(expected.FeatureCount, actual.FeatureCount);
    }

    /// <summary>Row <c>r</c> (numbered from <paramref name="first"/>) has <c>r % 3</c> nonzeros, valued <c>r</c>.</summary>
    private static SparseDataset<int> SparsePart(int rows, int first)
    {
        var pointers = new int[rows + 1];
        var indices = new List<int>();
        var values = new List<float>();
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int number = first + r;
            for (int k = 0; k < number % 3; k++)
            {
                indices.Add(k * 2);
                values.Add(number);
            }

            pointers[r + 1] = indices.Count;
            labels[r] = number;
        }

        return new SparseDataset<int>(pointers, [.. indices], [.. values], labels, featureCount: 8);
    }

    /// <summary>Rows numbered from <paramref name="first"/>: every feature and the label carry the row's number.</summary>
    private static DenseDataset Part(int rows, int columns, int first)
    {
        var features = new float[rows * columns];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = first + r;
            features.AsSpan(r * columns, columns).Fill(first + r);
        }

        return new DenseDataset(features, labels, columns);
    }
}
