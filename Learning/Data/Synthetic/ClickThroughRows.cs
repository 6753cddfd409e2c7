using MathNet.Numerics.Distributions;

namespace OrleansML.Learning.Data.Synthetic;

/// <summary>
/// The row draws of <see cref="SyntheticData.ClickThrough"/>: Zipf feature ids per row (sorted, distinct, value 1)
/// and a Bernoulli label from the true weights. Rows are written straight into one CSR index array sized for
/// <c>rows x FeaturesPerRow</c>; only the merge of repeated ids within rows leaves it longer than needed, and it
/// is trimmed once at the end (the one moment the ids are held twice).
/// Ids are drawn by inverse CDF with a guide table (the cutpoint method): with a binary search over the whole
/// cumulative table (128 MB of doubles at 2^24 features, whose lower levels miss the cache on most draws), 2^24
/// features generated at 17,000 rows/s on this loaded machine; the guide (4 bytes per feature) narrows each search
/// to the ids of three neighbouring cells and gives the same ids.
/// </summary>
internal static class ClickThroughRows
{
    public static SparseDataset<int> Draw(ClickThroughOptions options, float[] weights, int rowCount, Random random)
    {
        double[] cumulative = SyntheticData.ZipfCumulative(options.FeatureCount, options.ZipfExponent);
        int[] guide = Guide(cumulative);
        long capacity = (long)rowCount * options.FeaturesPerRow;
        if (capacity > Array.MaxLength)
        {
            throw new ArgumentException($"RowCount x FeaturesPerRow = {capacity} exceeds the largest array.", nameof(options));
        }

        var pointers = new int[rowCount + 1];
        var indices = GC.AllocateUninitializedArray<int>((int)capacity);
        var labels = new float[rowCount];
        int written = 0;
        for (int r = 0; r < rowCount; r++)
        {
            Span<int> row = indices.AsSpan(written, options.FeaturesPerRow);
            for (int k = 0; k < row.Length; k++)
            {
                row[k] = Draw(cumulative, guide, random.NextDouble());
            }

            row.Sort();
            int distinct = 1;
            for (int k = 1; k < row.Length; k++)
            {
                if (row[k] != row[distinct - 1])
                {
                    row[distinct++] = row[k];
                }
            }

            double score = options.Bias;
            for (int k = 0; k < distinct; k++)
            {
                score += weights[row[k]];
            }

            labels[r] = Bernoulli.Sample(random, SyntheticData.Sigmoid(score));
            written += distinct;
            pointers[r + 1] = written;
        }

        if (written < indices.Length)
        {
            Array.Resize(ref indices, written);
        }

        float[] values = GC.AllocateUninitializedArray<float>(written);
        values.AsSpan().Fill(1f);
        return new SparseDataset<int>(pointers, indices, values, labels, options.FeatureCount);
    }

    /// <summary><c>guide[j]</c> is the first id whose cumulative probability reaches <c>j / n</c>, n the table's length.</summary>
    internal static int[] Guide(double[] cumulative)
    {
        int cells = cumulative.Length;
        var guide = new int[cells];
        int id = 0;
        for (int j = 0; j < cells; j++)
        {
            double threshold = (double)j / cells;
            while (cumulative[id] < threshold)
            {
                id++;
            }

            guide[j] = id;
        }

        return guide;
    }

    /// <summary>The first id whose cumulative probability reaches <paramref name="uniform"/>, as
    /// <see cref="SyntheticData.DrawIndex"/> finds it, searching only between the guide's neighbouring cells (one
    /// cell of slack on each side absorbs the rounding of <c>uniform x n</c>).</summary>
    internal static int Draw(double[] cumulative, int[] guide, double uniform)
    {
        int cells = guide.Length;
        int cell = Math.Min((int)(uniform * cells), cells - 1);
        int low = cell > 0 ? guide[cell - 1] : 0;
        int high = cell + 2 < cells ? guide[cell + 2] : cumulative.Length - 1;
        int index = Array.BinarySearch(cumulative, low, high - low + 1, uniform);
        index = index >= 0 ? index : ~index;
        return Math.Min(index, cumulative.Length - 1);
    }
}
