namespace OrleansML.Learning.Metrics;

/// <summary>
/// Runs a model's <see cref="IModel.Predict"/> over a batch in chunks, reusing one output buffer, and
/// accumulates the metrics that fit its <see cref="IModel.Task"/> into an <see cref="EvaluationResult"/>.
/// </summary>
/// <remarks>
/// Binary accuracy predicts positive when P(y=1) &gt;= 0.5. Multiclass predictions take the first class
/// of highest probability. Like the model it wraps, an evaluator is not thread-safe: one per worker.
/// </remarks>
public sealed class ModelEvaluator
{
    /// <summary>Default rows per <see cref="IModel.Predict"/> call: large enough to amortise the call, small enough to stay in cache.</summary>
    public const int DefaultChunkRows = 4096;

    private readonly IModel _model;
    private readonly float[] _outputs;
    private readonly int _chunkRows;

    /// <summary>Creates an evaluator for <paramref name="model"/> predicting <paramref name="chunkRows"/> rows at a time.</summary>
    public ModelEvaluator(IModel model, int chunkRows = DefaultChunkRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        bool singleOutput = model.Task != ModelTask.MulticlassClassification;
        if (singleOutput ? model.OutputsPerRow != 1 : model.OutputsPerRow < 2)
        {
            throw new ArgumentException($"model '{model.Name}' of task {model.Task} writes {model.OutputsPerRow} outputs per row.", nameof(model));
        }

        _model = model;
        _chunkRows = chunkRows;
        _outputs = new float[checked(chunkRows * model.OutputsPerRow)];
    }

    /// <summary>An empty result of the right shape for this model.</summary>
    public EvaluationResult CreateResult() => EvaluationResult.Empty(_model.Task, _model.OutputsPerRow);

    /// <summary>Evaluates <paramref name="batch"/> into a new result.</summary>
    public EvaluationResult Evaluate(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        EvaluationResult result = CreateResult();
        Accumulate(parameters, batch, result);
        return result;
    }

    /// <summary>Evaluates <paramref name="batch"/>, adding to <paramref name="result"/>.</summary>
    /// <exception cref="ArgumentException">Wrong parameter count, a result of another task, or a label that does not fit the task (the message names the row).</exception>
    public void Accumulate(ReadOnlySpan<float> parameters, DataBatch batch, EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (parameters.Length != _model.ParameterCount)
        {
            throw new ArgumentException($"model '{_model.Name}' has {_model.ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        }

        if (result.Task != _model.Task || (result.ConfusionMatrix is { } matrix && matrix.ClassCount != _model.OutputsPerRow))
        {
            throw new ArgumentException($"the result does not fit model '{_model.Name}' ({_model.Task}, {_model.OutputsPerRow} outputs).", nameof(result));
        }

        for (int offset = 0; offset < batch.Count; offset += _chunkRows)
        {
            int rows = Math.Min(_chunkRows, batch.Count - offset);
            DataBatch chunk = Slice(batch, offset, rows);
            Span<float> outputs = _outputs.AsSpan(0, rows * _model.OutputsPerRow);
            _model.Predict(parameters, chunk, outputs);
            ReadOnlySpan<float> labels = chunk.Labels;
            for (int row = 0; row < rows; row++)
            {
                AddRow(result, outputs.Slice(row * _model.OutputsPerRow, _model.OutputsPerRow), labels[row], chunk.Start + row);
            }
        }
    }

    private static DataBatch Slice(DataBatch batch, int offset, int rows) => batch.Dense is DenseDataset dense
        ? DataBatch.Of(dense, batch.Start + offset, rows)
        : DataBatch.Of(batch.Sparse!, batch.Start + offset, rows);

    private void AddRow(EvaluationResult result, ReadOnlySpan<float> outputs, float label, int sourceRow)
    {
        switch (_model.Task)
        {
            case ModelTask.Regression:
                result.Rmse!.Add(outputs[0], label);
                break;
            case ModelTask.BinaryClassification:
                if (label is not (0f or 1f))
                {
                    throw new ArgumentException($"row {sourceRow}: a binary label must be 0 or 1, got {label}.");
                }

                bool positive = label == 1f;
                float probability = outputs[0];
                result.Accuracy!.Add(probability >= 0.5f == positive);
                result.LogLoss!.AddBinary(probability, positive);
                result.Auc!.Add(probability, positive);
                break;
            default:
                int actual = (int)label;
                if (actual != label || (uint)actual >= (uint)outputs.Length)
                {
                    throw new ArgumentException($"row {sourceRow}: a class label must be an integer in 0..{outputs.Length - 1}, got {label}.");
                }

                int predicted = ArgMax(outputs);
                result.Accuracy!.Add(predicted == actual);
                result.LogLoss!.Add(outputs[actual]);
                result.ConfusionMatrix!.Add(actual, predicted);
                break;
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        Debug.Assert(values.Length > 0);
        int best = 0;
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }
}
