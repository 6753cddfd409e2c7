using OrleansML.Grains.Diagnostics;
using OrleansML.Learning.Models.Store;
using OrleansML.Models;
using OrleansML.Grains.Transfer;

namespace OrleansML.Grains.Models;

/// <summary>
/// The saved versions of one named model. A save writes the model file and its entry to the model store
/// (<see cref="ModelStore"/>: file first, entry last), then lists the version in this grain's state, which holds only
/// descriptions, blob names and checksums. A crash in between leaves a stored version that the next save by the same
/// job finds in the store and lists, never a listed version without a file. This grain is the single writer of its
/// name's versions that the store requires: it hands out every version number, including those of saves whose bytes
/// it never sees (<see cref="ReserveVersionAsync"/>: the training job writes its model to the store itself).
/// </summary>
internal sealed partial class ModelRegistryGrain(
    [PersistentState("registry", "Default")] IPersistentState<ModelRegistryState> state,
    IBlobStore blobs,
    IOptions<TransferOptions> transfer,
    TimeProvider time,
    ILogger<ModelRegistryGrain> logger) : Grain, IModelRegistryGrain
{
    private readonly ModelStore _store = new(blobs, time);

    internal static string VersionKey(string name, int version) => $"{name}/{version}";

    public async Task<int> SaveAsync(ModelSpec model, FloatTensor parameterTensor, Dictionary<string, double> metrics, string jobId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameterTensor);
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if ((long)parameterTensor.Length * sizeof(float) > transfer.Value.MaxMessageBytes)
        {
            throw new ArgumentException(
                $"model '{this.GetPrimaryKeyString()}': {parameterTensor.Length} parameters are more than one message may carry (OrleansML:Transfer:MaxMessageBytes = {transfer.Value.MaxMessageBytes} bytes): " +
                "reserve a version (ReserveVersionAsync), write the model to the model store, then CommitVersionAsync.", nameof(parameterTensor));
        }

        model.Validate("model");
        ModelSaveSlot slot = await ReserveVersionAsync(jobId);
        if (slot.Saved)
        {
            return slot.Version;
        }

        // SaveVersionAsync checks the parameter count against the spec, so a wrong vector fails here, before anything is stored.
        await _store.SaveVersionAsync(this.GetPrimaryKeyString(), slot.Version, model, parameterTensor.Values, metrics ?? [], jobId);
        return await CommitVersionAsync(slot.Version, jobId);
    }

    public async Task<ModelSaveSlot> ReserveVersionAsync(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (state.State.Versions.Find(v => v.JobId == jobId) is ModelInfo listed)
        {
            return new ModelSaveSlot { Version = listed.Version, Saved = true };
        }

        if (state.State.Reserved.TryGetValue(jobId, out int reserved))
        {
            return new ModelSaveSlot { Version = reserved };
        }

        // The store may hold a version this grain never listed (a crash between the entry's write and the state's);
        // the same job's earlier save is listed now, and anyone else's number is skipped.
        IReadOnlyList<StoredModelEntry> stored = await _store.ListVersionsAsync(this.GetPrimaryKeyString());
        if (stored.FirstOrDefault(e => e.JobId == jobId) is StoredModelEntry unlisted)
        {
            return new ModelSaveSlot { Version = await ListAsync(unlisted), Saved = true };
        }

        int next = 1 + Math.Max(
            Math.Max(stored.Count == 0 ? 0 : stored[^1].Version, state.State.Versions.Count == 0 ? 0 : state.State.Versions.Max(v => v.Version)),
            state.State.Reserved.Count == 0 ? 0 : state.State.Reserved.Values.Max());
        state.State.Reserved[jobId] = next;
        await state.WriteStateAsync();
        return new ModelSaveSlot { Version = next };
    }

    public async Task<int> CommitVersionAsync(int version, string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (state.State.Versions.Find(v => v.JobId == jobId) is ModelInfo listed && listed.Version == version)
        {
            return version;
        }

        if (!state.State.Reserved.TryGetValue(jobId, out int reserved) || reserved != version)
        {
            throw new InvalidOperationException(
                $"model '{this.GetPrimaryKeyString()}': version {version} is not reserved for job '{jobId}' ({(state.State.Reserved.TryGetValue(jobId, out int other) ? $"it holds version {other}" : "it holds none")}).");
        }

        StoredModelEntry entry;
        try
        {
            entry = await _store.FindAsync(this.GetPrimaryKeyString(), version);
        }
        catch (ModelStoreException exception)
        {
            throw ModelStoreErrors.ToPortable(exception);
        }

        if (entry.JobId != jobId)
        {
            throw new InvalidOperationException($"model '{entry}' in the model store was saved by job '{entry.JobId}', not '{jobId}'.");
        }

        return await ListAsync(entry);
    }

    /// <summary>Lists a stored version (and drops its reservation) in one state write.</summary>
    private async Task<int> ListAsync(StoredModelEntry entry)
    {
        if (entry.JobId is string job)
        {
            state.State.Reserved.Remove(job);
        }

        state.State.Versions.Add(ModelInfo.From(entry));
        state.State.Versions.Sort((a, b) => a.Version.CompareTo(b.Version));
        await state.WriteStateAsync();
        Debug.Assert(state.State.Versions.Select(v => v.Version).Distinct().Count() == state.State.Versions.Count, "version numbers are unique");
        OrleansMLTelemetry.ModelSaveCounter.Add(1);
        LogSaved(logger, entry.Name, entry.Version, entry.JobId ?? "", entry.Blob, entry.Bytes);
        return entry.Version;
    }

    public Task<ModelInfo[]> ListAsync() => Task.FromResult(state.State.Versions.ToArray());

    public Task<byte[]> DownloadAsync(int version) => VersionGrain(version).ReadAsync();

    public Task<ModelDownload> OpenDownloadAsync(int version) => VersionGrain(version).OpenDownloadAsync();

    public Task<byte[]> DownloadPartAsync(int version, long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return VersionGrain(version).ReadPartAsync(offset, count);
    }

    private IModelVersionGrain VersionGrain(int version) =>
        GrainFactory.GetGrain<IModelVersionGrain>(VersionKey(this.GetPrimaryKeyString(), Resolve(version).Version));

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

        int outputsPerRow = info.Model.Create().OutputsPerRow;
        if ((long)rowCount * outputsPerRow * sizeof(float) > transfer.Value.MaxMessageBytes)
        {
            throw new ArgumentException(
                $"{rowCount} rows of {outputsPerRow} outputs are more than one message may carry (OrleansML:Transfer:MaxMessageBytes = {transfer.Value.MaxMessageBytes} bytes): " +
                $"predict at most {transfer.Value.MaxMessageBytes / sizeof(float) / outputsPerRow} rows per call (OrleansMLClient.PredictAsync splits large inputs itself).", nameof(rowCount));
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
