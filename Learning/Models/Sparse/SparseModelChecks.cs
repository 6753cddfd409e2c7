namespace OrleansML.Learning.Models.Sparse;

/// <summary>The argument checks every sparse model makes once per call (O(1), never per nonzero).</summary>
internal static class SparseModelChecks
{
    /// <summary>The batch's sparse source, after checking that its ids fit the model's feature count.</summary>
    public static SparseDataset<int> RequireSparse(DataBatch batch, string modelName, int featureCount)
    {
        SparseDataset<int> dataset = batch.RequireSparse(modelName);
        if (dataset.FeatureCount > featureCount)
        {
            throw new ArgumentException($"{modelName} has {featureCount} features, but the batch's dataset has ids up to {dataset.FeatureCount - 1}; hash them into the model's range first.", nameof(batch));
        }

        return dataset;
    }

    public static void RequireLength(int actual, int expected, string parameterName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{parameterName} has length {actual}; the model needs {expected}.", parameterName);
        }
    }

    /// <summary>Throws when a sparse gradient addresses a different parameter vector than the model's.</summary>
    public static void RequireParameterCount(SparseGradient gradient, int parameterCount, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(gradient, parameterName);
        if (gradient.ParameterCount != parameterCount)
        {
            throw new ArgumentException($"{parameterName} covers {gradient.ParameterCount} parameters; the model has {parameterCount}.", parameterName);
        }
    }

    /// <summary>Throws when the prediction buffer is shorter than one value per row.</summary>
    public static void RequireOutputs(int outputLength, int rowCount, string parameterName)
    {
        if (outputLength < rowCount)
        {
            throw new ArgumentException($"{parameterName} has length {outputLength}; the batch needs {rowCount}.", parameterName);
        }
    }
}
