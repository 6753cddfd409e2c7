using OrleansML.Tensors;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OrleansML.Learning.Models;
using OrleansML.Learning.Models.Files;
using OrleansML.Models;

namespace OrleansML.Grains.Models;

/// <summary>
/// The saved versions of one named model. A save first stores the version's file in its
/// <see cref="IModelVersionGrain"/>, then lists the version in this grain's state: a crash in between leaves an
/// unlisted file that the next save of that version number overwrites, never a listed version without a file.
/// </summary>
internal sealed partial class ModelRegistryGrain(
    [PersistentState("registry", "Default")] IPersistentState<ModelRegistryState> state,
    TimeProvider time,
    ILogger<ModelRegistryGrain> logger) : Grain, IModelRegistryGrain
{
    private static readonly Meter s_meter = new("OrleansML.Models");
    private static readonly Counter<long> s_saves = s_meter.CreateCounter<long>("orleansml.models.saved", description: "Model versions saved");
    private static readonly Counter<long> s_predictedRows = s_meter.CreateCounter<long>("orleansml.models.predicted_rows", description: "Rows predicted through the registry");

    /// <summary>The version grain's key.</summary>
    internal static string VersionKey(string name, int version) => $"{name}/{version}";

    public async Task<int> SaveAsync(ModelSpec model, FloatTensor parameterTensor, Dictionary<string, double> metrics, string jobId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameterTensor);
        float[] parameters = parameterTensor.Values;
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        metrics ??= [];
        ModelInfo? existing = state.State.Versions.Find(v => v.JobId == jobId);
        if (existing is not null)
        {
            return existing.Version;
        }

        model.Validate("model");
        string name = this.GetPrimaryKeyString();
        int version = state.State.Versions.Count + 1;
        var info = new ModelInfo
        {
            Name = name,
            Version = version,
            Model = model,
            Metrics = new Dictionary<string, double>(metrics),
            JobId = jobId,
            CreatedUtc = time.GetUtcNow(),
        };
        var header = new ModelFileHeader
        {
            Name = name,
            Version = version,
            Model = model,
            CreatedUtc = info.CreatedUtc,
            Metrics = info.Metrics,
        };

        // Serialize checks the parameter count against the spec, so a wrong vector fails here, before anything is stored.
        byte[] file = ModelFile.Serialize(header, parameters);
        await GrainFactory.GetGrain<IModelVersionGrain>(VersionKey(name, version)).StoreAsync(file);
        state.State.Versions.Add(info);
        await state.WriteStateAsync();
        Debug.Assert(state.State.Versions[^1].Version == state.State.Versions.Count, "versions are numbered 1, 2, ... in order");
        s_saves.Add(1);
        LogSaved(logger, name, version, jobId, file.Length);
        return version;
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

        s_predictedRows.Add(rowCount);
        return GrainFactory.GetGrain<IModelVersionGrain>(VersionKey(info.Name, info.Version)).PredictAsync(features, rowCount);
    }

    private ModelInfo Resolve(int version)
    {
        List<ModelInfo> versions = state.State.Versions;
        if (version == 0 && versions.Count > 0)
        {
            return versions[^1];
        }

        if (version < 1 || version > versions.Count)
        {
            throw new KeyNotFoundException(versions.Count == 0
                ? $"model '{this.GetPrimaryKeyString()}' has no saved versions."
                : $"model '{this.GetPrimaryKeyString()}' has no version {version} (versions 1 to {versions.Count}; 0 means the newest).");
        }

        return versions[version - 1];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved model {Name} version {Version} from job {JobId} ({Bytes} bytes)")]
    private static partial void LogSaved(ILogger logger, string name, int version, string jobId, int bytes);
}
