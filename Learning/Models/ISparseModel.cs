namespace OrleansML.Learning.Models;

/// <summary>
/// A model over sparse input whose gradient touches only the parameters of the features a batch holds.
/// Workers use it to pull and push only those keys.
/// </summary>
public interface ISparseModel : IModel
{
    /// <summary>Adds to <paramref name="keys"/> (with zero values) every parameter index the batch reads.</summary>
    void CollectTouchedParameters(DataBatch batch, SparseGradient keys);

    /// <summary>
    /// Clears <paramref name="gradient"/>, fills it with the gradient of the mean loss over the batch at
    /// the touched parameters only, sorts it by key, and returns the mean loss.
    /// </summary>
    float ComputeSparseGradient(ReadOnlySpan<float> parameters, DataBatch batch, SparseGradient gradient);
}
