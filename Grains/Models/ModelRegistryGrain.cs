using OrleansML.Tensors;
using System.Diagnostics;
using OrleansML.Grains.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansML.Learning.Models;
using OrleansML.Learning.Models.Store;
using OrleansML.Learning.Storage;
using OrleansML.Models;

namespace OrleansML.Grains.Models;

/// <summary>
/// The saved versions of one named model. A save writes the model file and its entry to the model store
/// (<see cref="ModelStore"/>: file first, entry last), then lists the version in this grain's state, which holds only
/// descriptions, blob names and checksums. A crash in between leaves a stored version that the next save by the same
/// job finds in the store and lists, never a listed version without a file. This grain is the single writer of its
/// name's versions that the store requires.
/// </summary>
internal sealed partial class ModelRegistryGrain(
    [PersistentState("registry", "Default")] IPersistentState<ModelRegistryState> state,
    IBlobStore blobs,
    TimeProvider time,
    ILogger<ModelRegistryGrain> logger) : Grain, IModelRegistryGrain
{
    private readonly ModelStore _store = new(blobs, time);

    /// <summary>The version grain's key.</summary>
    internal static string VersionKey(string name, int version) => $"{name}/{version}";

    public async Task<int> SaveAsync(ModelSpec model, FloatTensor parameterTensor, Dictionary<string, double> metrics, string jobId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameterTensor);
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        metrics ??= [];
        ModelInfo? existing = state.State.Versions.Find(v => v.JobId == jobId);
        if (existing is not null)
        {
            return existing.Version;
        }

        model.Validate("model");
        string name = this.GetPrimaryKeyString();

        // SaveAsync checks the parameter count against the spec, so a wrong vector fails here, before anything is stored.
        StoredModelEntry entry = await _store.SaveAsync(name, model, parameterTensor.Values, metrics, jobId);
        state.State.Versions.Add(ModelInfo.From(entry));
        await state.WriteStateAsync();
        Debug.Assert(state.State.Versions.Select(v => v.Version).Distinct().Count() == state.State.Versions.Count, "version numbers are unique");
        OrleansMLTelemetry.ModelSaveCounter.Add(1);
        LogSaved(logger, name, entry.Version, jobId, entry.Blob, entry.Bytes);
        return entry.Version;
    }

    public Task<ModelInfo[]> ListAsync() => Task.FromResult(state.State.Versions.ToArray());

    public Task<byte[]> DownloadAsync(int version) =>
        GrainFactory.GetGrain<IModelVersionGrain>(VersionKey(this.GetPrimaryKeyString(), Resolve(version).Version)).ReadAsync();

    public Task<FloatTensor> PredictAsync(int version, FloatTensor features, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ModelInfo info = Resolve(version);
        if (info.Model.Kind is ModelKind.HashedLogisticRegression or ModelKind.FactorizationMachine)
        {
            throw new ArgumentException($"model '{info.Name}' version {info.Version} is a {info.Model.Kind}, which reads sparse input; remote prediction takes dense rows only (download the model and predict locally).", nameof(features));
        }

        if (rowCount < 1 || (long)rowCount * info.Model.FeatureCount != features.Length)
        {
            throw new ArgumentException($"{rowCount} rows of {info.Model.FeatureCount} features need {(long)rowCount * info.Model.FeatureCount} values, but {features.Length} were given (rowCount must be at least 1).", nameof(features));
        }

        OrleansMLTelemetry.PredictedRowCounter.Add(rowCount);
        return GrainFactory.GetGrain<IModelVersionGrain>(VersionKey(info.Name, info.Version)).PredictAsync(features, rowCount);
    }

    private ModelInfo Resolve(int version)
    {
        List<ModelInfo> versions = state.State.Versions;
        if (version == 0 && versions.Count > 0)
        {
            return versions[^1];
        }

        return versions.Find(v => v.Version == version && version > 0)
            ?? throw new KeyNotFoundException(versions.Count == 0
                ? $"model '{this.GetPrimaryKeyString()}' has no saved versions."
                : $"model '{this.GetPrimaryKeyString()}' has no version {version} (versions {string.Join(", ", versions.Select(v => v.Version))}; 0 means the newest).");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved model {Name} version {Version} from job {JobId} in blob {Blob} ({Bytes} bytes)")]
    private static partial void LogSaved(ILogger logger, string name, int version, string jobId, string blob, long bytes);
}
