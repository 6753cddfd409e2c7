using OrleansML.Tensors;
using OrleansML.Learning.Models;

namespace OrleansML.Models;

/// <summary>
/// The saved versions of one named model (key: the model's name), kept in grain storage as portable model
/// files (<c>docs/model-format.md</c>). Versions are immutable once saved.
/// </summary>
[Alias("OrleansML.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithStringKey
{
    /// <summary>Saves a new version and returns its number. Saving again for the same
    /// <paramref name="jobId"/> returns the version that job saved (a coordinator that resumes after a failure
    /// does not create a second version).</summary>
    Task<int> SaveAsync(ModelSpec model, FloatTensor parameters, Dictionary<string, double> metrics, string jobId);

    /// <summary>The saved versions, oldest first.</summary>
    Task<ModelInfo[]> ListAsync();

    /// <summary>The portable model file of <paramref name="version"/> (0: the newest).</summary>
    /// <exception cref="KeyNotFoundException">No such version.</exception>
    Task<byte[]> DownloadAsync(int version);

    /// <summary>Predicts <paramref name="rowCount"/> dense rows (row-major <paramref name="features"/>) with
    /// <paramref name="version"/> (0: the newest): <c>OutputsPerRow</c> values per row.</summary>
    Task<FloatTensor> PredictAsync(int version, FloatTensor features, int rowCount);
}
