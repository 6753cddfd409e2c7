namespace OrleansML.Learning.Tests.Metrics;

/// <summary>
/// A model whose predictions are the first OutputsPerRow features of each dense row, or the sum of a
/// sparse row's values (one output), times parameter 0.
/// </summary>
internal sealed class FakeModel(ModelTask task, int outputsPerRow) : IModel
{
    public string Name => "fake";

    public ModelInput Input => ModelInput.Dense;

    public ModelTask Task => task;

    public int ParameterCount => 1;

    public int OutputsPerRow => outputsPerRow;

    public int LargestChunk { get; private set; }

    public void InitializeParameters(Span<float> parameters, int seed) => parameters.Fill(1);

    public float ComputeGradient(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient) =>
        throw new InvalidOperationException("the evaluator must only predict.");

    public float ComputeLoss(ReadOnlySpan<float> parameters, DataBatch batch) =>
        throw new InvalidOperationException("the evaluator must only predict.");

    public void Predict(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs)
    {
        Assert.Equal(batch.Count * outputsPerRow, outputs.Length);
        LargestChunk = Math.Max(LargestChunk, batch.Count);
        if (!batch.IsDense)
        {
            for (int row = 0; row < batch.Count; row++)
            {
                float sum = 0;
                foreach (float value in batch.Sparse!.RowValues(batch.Start + row))
                {
                    sum += value;
                }

                outputs[row] = parameters[0] * sum;
            }

            return;
        }

        var dataset = batch.RequireDense(Name);
        for (int row = 0; row < batch.Count; row++)
        {
            ReadOnlySpan<float> features = dataset.Row(batch.Start + row);
            for (int k = 0; k < outputsPerRow; k++)
            {
                outputs[(row * outputsPerRow) + k] = parameters[0] * features[k];
            }
        }
    }
}
