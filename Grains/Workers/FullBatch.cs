using System.Numerics.Tensors;

namespace OrleansML.Grains.Workers;

/// <summary>Loss and gradient summed over all of a worker's rows, in chunks so the model's scratch stays small.</summary>
internal static class FullBatch
{
    private const int ChunkRows = 4096;

    public static LossGradient LossAndGradient(IModel model, ReadOnlySpan<float> parameters, DataBatch rows)
    {
        var sum = new float[model.ParameterCount];
        var chunkGradient = new float[model.ParameterCount];
        double lossSum = 0;
        for (int first = 0; first < rows.Count; first += ChunkRows)
        {
            int count = Math.Min(ChunkRows, rows.Count - first);
            DataBatch chunk = rows.IsDense ? DataBatch.Of(rows.Dense!, rows.Start + first, count) : DataBatch.Of(rows.Sparse!, rows.Start + first, count);
            float meanLoss = model.ComputeGradient(parameters, chunk, chunkGradient);
            lossSum += (double)meanLoss * count;
            // The model returns means over the chunk; the coordinator divides the sums by all rows.
            TensorPrimitives.MultiplyAdd(chunkGradient, count, sum, sum);
        }

        return new LossGradient { LossSum = lossSum, Rows = rows.Count, GradientSum = new FloatTensor(sum) };
    }
}
