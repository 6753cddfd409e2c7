using OrleansML.Tensors;
using OrleansML.Learning.Models;

namespace OrleansML.Models;

/// <summary>
/// The saved versions of one named model (key: the model's name). The model files live in the silos' model store
/// (<c>models/&lt;name&gt;/&lt;version&gt;.omlm</c> blobs, <c>docs/model-format.md</c>), where a process with no
/// cluster can read them; grain state lists the versions. Versions are immutable once saved.
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

    /// <summary>The portable model file of <paramref name="version"/> (0: the newest), checked against its SHA-256.</summary>
    /// <exception cref="KeyNotFoundException">No such version.</exception>
    /// <exception cref="InvalidDataException">The stored file is missing or corrupt (the message names the blob).</exception>
    Task<byte[]> DownloadAsync(int version);

    /// <summary>Predicts <paramref name="rowCount"/> dense rows (row-major <paramref name="features"/>) with
    /// <paramref name="version"/> (0: the newest): <c>OutputsPerRow</c> values per row.</summary>
    Task<FloatTensor> PredictAsync(int version, FloatTensor features, int rowCount);
}
