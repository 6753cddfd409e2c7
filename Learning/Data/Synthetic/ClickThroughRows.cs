using MathNet.Numerics.Distributions;

namespace OrleansML.Learning.Data.Synthetic;

/// <summary>
/// The row draws of <see cref="SyntheticData.ClickThrough"/>: Zipf feature ids per row (sorted, distinct, value 1)
/// and a Bernoulli label from the true weights. Rows are written straight into one CSR index array sized for
/// <c>rows x FeaturesPerRow</c>; only the merge of repeated ids within rows leaves it longer than needed, and it
/// is trimmed once at the end (the one moment the ids are held twice).
/// </summary>
internal static class ClickThroughRows
{
    public static SparseDataset<int> Draw(ClickThroughOptions options, float[] weights, int rowCount, Random random)
    {
        double[] cumulative = SyntheticData.ZipfCumulative(options.FeatureCount, options.ZipfExponent);
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
                row[k] = SyntheticData.DrawIndex(cumulative, random.NextDouble());
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
}
