using OrleansML.Tensors;

namespace OrleansML.Grains.Models;

/// <summary>
/// For the silo's own use (the model registry calls it; clients go through <see cref="IModelRegistryGrain"/>):
/// the portable file of one saved model version, key <c>"{name}/{version}"</c>. Keeping each version's bytes
/// in its own grain keeps the registry's state small, and spreads predictions over the silos: each version
/// grain caches its deserialised model.
/// </summary>
public interface IModelVersionGrain : IGrainWithStringKey
{
    /// <summary>Stores the file (a version that the registry has not yet listed may be stored again).</summary>
    Task StoreAsync(byte[] modelFile);

    /// <summary>The stored file.</summary>
    /// <exception cref="KeyNotFoundException">Nothing is stored under this key.</exception>
    Task<byte[]> ReadAsync();

    /// <summary>Predicts <paramref name="rowCount"/> dense rows (row-major).</summary>
    Task<FloatTensor> PredictAsync(FloatTensor features, int rowCount);
}
