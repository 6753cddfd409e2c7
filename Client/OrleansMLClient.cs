using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using OrleansML.Jobs;
using OrleansML.Learning.Models;
using OrleansML.Learning.Models.Files;
using OrleansML.Models;
using OrleansML.Tensors;

namespace OrleansML.Client;

/// <summary>
/// The OrleansML client: starts and controls training jobs, fetches, exports and serves saved models, and
/// describes the cluster. It wraps an Orleans grain factory, which is any <see cref="IClusterClient"/>: one that
/// <c>UseOrleansClient</c> connected to a cluster, a silo's own co-hosted client, or a test cluster's client. In a
/// generic host, <c>services.AddOrleansMLClient()</c> registers one over the host's <see cref="IClusterClient"/>.
/// </summary>
/// <remarks>The client owns nothing: the grain factory's owner connects, keeps and disposes it.</remarks>
public sealed class OrleansMLClient
{
    private readonly TimeProvider _time;

    /// <summary>Wraps <paramref name="grainFactory"/> (an <see cref="IClusterClient"/> or any grain factory).</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public OrleansMLClient(IGrainFactory grainFactory, OrleansMLClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        options ??= new OrleansMLClientOptions();
        options.Validate();
        GrainFactory = grainFactory;
        Options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The grain factory calls go through.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The options (validated).</summary>
    public OrleansMLClientOptions Options { get; }

    /// <summary>Validates <paramref name="spec"/> (with its data) and starts the job; a null
    /// <see cref="TrainingSpec.JobId"/> gets a fresh id. Nothing starts when the spec is invalid.</summary>
    /// <exception cref="TrainingSpecException">The spec is invalid; <see cref="TrainingSpecException.Field"/> names the field.</exception>
    public async Task<TrainingJob> StartTrainingAsync(TrainingSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        TrainingSpec complete = spec.JobId is null ? spec with { JobId = NewJobId() } : spec;
        TrainingSpecValidator.Validate(complete);
        cancellationToken.ThrowIfCancellationRequested();
        TrainingJob job = GetJob(complete.JobId!);
        await job.Grain.StartAsync(complete).WaitAsync(cancellationToken);
        return job;
    }

    /// <summary>
    /// Copies the local partitioned dataset whose manifest is <paramref name="localManifestPath"/> into
    /// <paramref name="store"/> (the store the cluster's silos use, <c>OrleansML:BlobStore</c>), content-addressed
    /// under <c>datasets/&lt;hash&gt;/</c>, and returns the <c>blob:</c> reference to put in a
    /// <see cref="DataSpec"/>. A dataset already there is not copied again.
    /// </summary>
    /// <exception cref="ArgumentException">The path is not a local manifest path.</exception>
    /// <exception cref="IOException">A local file could not be read.</exception>
    /// <exception cref="Learning.Data.DataFormatException">The manifest is not valid.</exception>
    /// <exception cref="Learning.Storage.BlobStoreException">The store could not be written.</exception>
    public static Task<string> UploadDatasetAsync(string localManifestPath, Learning.Storage.IBlobStore store, CancellationToken cancellationToken = default) =>
        DatasetUpload.UploadAsync(localManifestPath, store, cancellationToken);

    /// <summary>A handle on an existing job (no call is made).</summary>
    public TrainingJob GetJob(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return new TrainingJob(this, GrainFactory.GetGrain<ITrainingJobGrain>(jobId), jobId, _time);
    }

    /// <summary>The saved versions of model <paramref name="name"/>, oldest first.</summary>
    public Task<ModelInfo[]> ListModelVersionsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Registry(name).ListAsync().WaitAsync(cancellationToken);
    }

    /// <summary>Every model version in the cluster's model store, by name then version.</summary>
    /// <exception cref="InvalidDataException">An entry in the store is unreadable (the message names its blob).</exception>
    public Task<ModelInfo[]> ListModelsAsync(CancellationToken cancellationToken = default) =>
        GrainFactory.GetGrain<IModelCatalogGrain>(0).ListAsync().WaitAsync(cancellationToken);

    /// <summary>Downloads model <paramref name="name"/> at <paramref name="version"/> (0: the newest) and
    /// decodes it (checksums verified).</summary>
    public async Task<SavedModel> GetModelAsync(string name, int version = 0, CancellationToken cancellationToken = default)
    {
        byte[] file = await DownloadAsync(name, version, cancellationToken);
        return ModelFile.Deserialize(file, $"{name}:{(version == 0 ? "latest" : version.ToString(CultureInfo.InvariantCulture))}");
    }

    /// <summary>Predicts <paramref name="rowCount"/> dense rows (row-major <paramref name="features"/>) on the
    /// cluster with model <paramref name="name"/> at <paramref name="version"/> (0: the newest).</summary>
    /// <remarks>Large inputs go in several calls of at most <see cref="PredictChunkValues"/> feature values and as many
    /// output values each (whole rows), so no message nears Orleans' message size limit in either direction; the
    /// version is resolved first so that every chunk uses the same one.</remarks>
    public async Task<float[]> PredictAsync(string name, int version, float[] features, int rowCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        IModelRegistryGrain registry = Registry(name);
        ModelInfo[] versions = await registry.ListAsync().WaitAsync(cancellationToken);
        ModelInfo? info = version == 0 ? versions.LastOrDefault() : Array.Find(versions, v => v.Version == version);
        if (info is null || rowCount < 1 || features.Length % rowCount != 0 || info.Model.Create().Input != ModelInput.Dense)
        {
            // Unknown, or malformed: one call, and the registry explains what is wrong.
            return (await registry.PredictAsync(version, new FloatTensor(features), rowCount).WaitAsync(cancellationToken)).Values;
        }

        int width = features.Length / rowCount;
        int rowsPerChunk = Math.Max(1, PredictChunkValues / Math.Max(Math.Max(1, width), info.Model.Create().OutputsPerRow));
        if (rowCount <= rowsPerChunk)
        {
            return (await registry.PredictAsync(info.Version, new FloatTensor(features), rowCount).WaitAsync(cancellationToken)).Values;
        }

        var outputs = new List<float>();
        for (int start = 0; start < rowCount; start += rowsPerChunk)
        {
            int rows = Math.Min(rowsPerChunk, rowCount - start);
            var chunk = new FloatTensor(features.AsSpan(start * width, rows * width).ToArray());
            outputs.AddRange((await registry.PredictAsync(info.Version, chunk, rows).WaitAsync(cancellationToken)).Values);
        }

        return [.. outputs];
    }

    /// <summary>Most feature values one remote prediction call carries (4 MiB of floats).</summary>
    public const int PredictChunkValues = 1 << 20;

    /// <summary>The portable model file of <paramref name="name"/> at <paramref name="version"/> (0: the newest), as stored
    /// (its checksums verified by the cluster).</summary>
    public Task<byte[]> DownloadModelFileAsync(string name, int version = 0, CancellationToken cancellationToken = default) =>
        DownloadAsync(name, version, cancellationToken);

    /// <summary>Writes model <paramref name="name"/> at <paramref name="version"/> (0: the newest) to
    /// <paramref name="path"/> as a portable model file (atomically), and returns what was written.</summary>
    public async Task<SavedModel> ExportModelAsync(string name, int version, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] file = await DownloadAsync(name, version, cancellationToken);
        SavedModel model = ModelFile.Deserialize(file, path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        await File.WriteAllBytesAsync(temporary, file, cancellationToken);
        File.Move(temporary, full, overwrite: true);
        return model;
    }

    /// <summary>The cluster's silos (Orleans' membership, every status) and the activations each active one hosts per
    /// grain type (Orleans' <see cref="IManagementGrain"/>).</summary>
    public async Task<ClusterOverview> GetClusterAsync(CancellationToken cancellationToken = default)
    {
        IManagementGrain management = GrainFactory.GetGrain<IManagementGrain>(0);
        MembershipEntry[] members = await management.GetDetailedHosts(false, cancellationToken);
        SimpleGrainStatistic[] statistics = await management.GetSimpleGrainStatistics(cancellationToken);
        SiloDetails[] silos = members
            .OrderBy(m => m.SiloName, StringComparer.Ordinal).ThenBy(m => m.StartTime)
            .Select(m => new SiloDetails(Endpoint(m.SiloAddress), m.SiloName, m.Status.ToString(), m.ProxyPort,
                new DateTimeOffset(DateTime.SpecifyKind(m.StartTime, DateTimeKind.Utc))))
            .ToArray();
        GrainTypeActivations[] activations = statistics
            .Where(s => s.ActivationCount > 0)
            .Select(s => new GrainTypeActivations(Endpoint(s.SiloAddress), TypeName(s.GrainType), s.ActivationCount))
            .ToArray();
        return new ClusterOverview(silos, activations);
    }

    /// <summary>A fresh job id: <c>job-yyyyMMdd-HHmmss-xxxx</c> (UTC, four random hex digits).</summary>
    internal string NewJobId() =>
        string.Create(CultureInfo.InvariantCulture, $"job-{_time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant()}");

    /// <summary>A grain class name without its assembly ("Namespace.Type,Assembly" becomes "Namespace.Type").</summary>
    private static string TypeName(string grainType) => grainType.Split(',', 2)[0];

    private static string Endpoint(SiloAddress silo) => silo.Endpoint is IPEndPoint endpoint ? endpoint.ToString() : silo.ToString();

    private Task<byte[]> DownloadAsync(string name, int version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return ModelDownloader.DownloadAsync(Registry(name), name, version, cancellationToken);
    }

    private IModelRegistryGrain Registry(string name) => GrainFactory.GetGrain<IModelRegistryGrain>(name);
}
