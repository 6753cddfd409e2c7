using OrleansML.Models;

namespace OrleansML.Grains.Models;

/// <summary>
/// For the silo's own use (the model registry calls it; clients go through <see cref="IModelRegistryGrain"/>):
/// one saved model version, key <c>"{name}/{version}"</c>, read from the model store. Each version grain caches
/// its deserialised model, which spreads predictions over the silos.
/// </summary>
public interface IModelVersionGrain : IGrainWithStringKey
{
    /// <summary>The stored file, checked against its SHA-256.</summary>
    /// <exception cref="KeyNotFoundException">Nothing is stored under this key.</exception>
    /// <exception cref="InvalidDataException">The stored file is missing or corrupt.</exception>
    Task<byte[]> ReadAsync();

    /// <summary>The file's length and SHA-256 (checked on loading) and the part size of a download in parts.</summary>
    Task<ModelDownload> OpenDownloadAsync();

    /// <summary>Bytes <c>[offset, offset + count)</c> of the stored file, at most one message's worth.</summary>
    Task<byte[]> ReadPartAsync(long offset, int count);

    /// <summary>Predicts <paramref name="rowCount"/> dense rows (row-major).</summary>
    Task<FloatTensor> PredictAsync(FloatTensor features, int rowCount);
}
