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
    /// <exception cref="ArgumentException">The parameters are more than one message may carry
    /// (<c>OrleansML:Transfer:MaxMessageBytes</c>): write them to the model store after <see cref="ReserveVersionAsync"/>.</exception>
    Task<int> SaveAsync(ModelSpec model, FloatTensor parameters, Dictionary<string, double> metrics, string jobId);

    /// <summary>
    /// The first step of a save whose bytes do not pass through the registry: gives <paramref name="jobId"/> a version
    /// number (the same one again when asked again), which the caller writes to the model store
    /// (<c>ModelStore.SaveVersionAsync</c>) and then lists with <see cref="CommitVersionAsync"/>. When the job's version
    /// is already listed, <see cref="ModelSaveSlot.Saved"/> says so.
    /// </summary>
    Task<ModelSaveSlot> ReserveVersionAsync(string jobId);

    /// <summary>Lists <paramref name="version"/>, reserved for <paramref name="jobId"/> and since written to the model
    /// store (its entry is read and checked there), and returns it. Repeating the call is harmless.</summary>
    /// <exception cref="InvalidOperationException">The version is not reserved for that job.</exception>
    /// <exception cref="KeyNotFoundException">The model store holds no entry for it yet.</exception>
    Task<int> CommitVersionAsync(int version, string jobId);

    /// <summary>The saved versions, oldest first.</summary>
    Task<ModelInfo[]> ListAsync();

    /// <summary>The portable model file of <paramref name="version"/> (0: the newest), checked against its SHA-256.</summary>
    /// <exception cref="KeyNotFoundException">No such version.</exception>
    /// <exception cref="InvalidDataException">The stored file is missing or corrupt (the message names the blob).</exception>
    /// <exception cref="InvalidOperationException">The file is larger than one message may carry
    /// (<c>OrleansML:Transfer:MaxMessageBytes</c>): download it with <see cref="OpenDownloadAsync"/> and
    /// <see cref="DownloadPartAsync"/>.</exception>
    Task<byte[]> DownloadAsync(int version);

    /// <summary>The length, SHA-256 and part size of <paramref name="version"/>'s model file (0: the newest), for a
    /// download in parts.</summary>
    /// <exception cref="KeyNotFoundException">No such version.</exception>
    Task<ModelDownload> OpenDownloadAsync(int version);

    /// <summary>Bytes <c>[offset, offset + count)</c> of <paramref name="version"/>'s model file (a resolved version,
    /// not 0); <paramref name="count"/> is at most <see cref="ModelDownload.PartBytes"/>. The caller checks the
    /// assembled file against <see cref="ModelDownload.Sha256"/>.</summary>
    Task<byte[]> DownloadPartAsync(int version, long offset, int count);

    /// <summary>Predicts <paramref name="rowCount"/> dense rows (row-major <paramref name="features"/>) with
    /// <paramref name="version"/> (0: the newest): <c>OutputsPerRow</c> values per row.</summary>
    Task<FloatTensor> PredictAsync(int version, FloatTensor features, int rowCount);
}
