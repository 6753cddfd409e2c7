namespace OrleansML.Learning.Models.Dense;

/// <summary>Argument checks shared by the dense models, with messages that name the model and the row.</summary>
internal static class DenseModelChecks
{
    /// <summary>Largest row block a model accepts: its scratch is allocated once at this size.</summary>
    public const int MaximumBlockRows = 4096;

    public static void RequireBlockRows(int blockRows, string parameterName)
    {
        if (blockRows is < 1 or > MaximumBlockRows)
        {
            throw new ArgumentOutOfRangeException(parameterName, blockRows, $"{parameterName} must be in 1..{MaximumBlockRows}.");
        }
    }

    /// <summary>Checks the span lengths and the dense source's width; returns the dense source.</summary>
    public static DenseDataset RequireBatch(IModel model, int featureCount, ReadOnlySpan<float> parameters, DataBatch batch)
    {
        if (parameters.Length != model.ParameterCount)
        {
            throw new ArgumentException($"{model.Name} has {model.ParameterCount} parameters, but {parameters.Length} were given.", nameof(parameters));
        }

        DenseDataset dataset = batch.RequireDense(model.Name);
        if (dataset.ColumnCount != featureCount)
        {
            throw new ArgumentException($"{model.Name} expects {featureCount} features per row, but the batch has {dataset.ColumnCount}.", nameof(batch));
        }

        return dataset;
    }

    public static void RequireParameterLength(IModel model, int length, string parameterName)
    {
        if (length != model.ParameterCount)
        {
            throw new ArgumentException($"{model.Name} has {model.ParameterCount} parameters, but the buffer has {length}.", parameterName);
        }
    }

    public static void RequireGradientLength(IModel model, int length, string parameterName)
    {
        if (length != model.ParameterCount)
        {
            throw new ArgumentException($"{model.Name} needs a gradient buffer of {model.ParameterCount} floats, but it has {length}.", parameterName);
        }
    }

    public static void RequireOutputLength(IModel model, DataBatch batch, int length, string parameterName)
    {
        long needed = (long)batch.Count * model.OutputsPerRow;
        if (length != needed)
        {
            throw new ArgumentException($"{model.Name} writes {model.OutputsPerRow} outputs for each of {batch.Count} rows ({needed} floats), but the buffer has {length}.", parameterName);
        }
    }

    public static void RequireNonEmpty(IModel model, DataBatch batch)
    {
        if (batch.Count == 0)
        {
            throw new ArgumentException($"{model.Name} cannot compute a mean loss over an empty batch.", nameof(batch));
        }
    }

    /// <summary>Every label must be an integral class id in 0..classCount-1.</summary>
    public static void RequireClassIds(IModel model, DataBatch batch, int classCount)
    {
        ReadOnlySpan<float> labels = batch.Labels;
        for (int row = 0; row < labels.Length; row++)
        {
            float label = labels[row];
            if (!(label >= 0f && label <= classCount - 1) || label != MathF.Floor(label))
            {
                throw new ArgumentException(
                    $"{model.Name}: row {batch.Start + row} has label {label}, which is not a class id in 0..{classCount - 1}.", nameof(batch));
            }
        }
    }

    public static void RequireFiniteLabels(IModel model, DataBatch batch)
    {
        ReadOnlySpan<float> labels = batch.Labels;
        for (int row = 0; row < labels.Length; row++)
        {
            if (!float.IsFinite(labels[row]))
            {
                throw new ArgumentException($"{model.Name}: row {batch.Start + row} has the non-finite label {labels[row]}.", nameof(batch));
            }
        }
    }
}
