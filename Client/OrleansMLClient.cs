using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Jobs;
using OrleansML.Learning.Models.Files;
using OrleansML.Models;
using OrleansML.Runtime;
using OrleansML.Runtime.Client;
using OrleansML.Runtime.Management;
using OrleansML.Runtime.Membership;

namespace OrleansML.Client;

/// <summary>
/// The OrleansML client: starts and controls training jobs, fetches, exports and serves saved models, and
/// describes the cluster. Connect to a cluster with <see cref="ConnectAsync"/>, or wrap a grain factory you
/// already have (an embedded cluster, a <c>TestCluster</c>) with the constructor.
/// </summary>
public sealed class OrleansMLClient : IAsyncDisposable
{
    private readonly ServiceProvider? _ownedServices;
    private readonly TimeProvider _time;

    /// <summary>Wraps an existing grain factory (its owner keeps it alive and disposes it).</summary>
    public OrleansMLClient(IGrainFactory grainFactory, OrleansMLClientOptions? options = null, TimeProvider? timeProvider = null)
        : this(grainFactory, options ?? new OrleansMLClientOptions(), timeProvider ?? TimeProvider.System, null)
    {
    }

    private OrleansMLClient(IGrainFactory grainFactory, OrleansMLClientOptions options, TimeProvider time, ServiceProvider? ownedServices)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        options.Validate(requireConnection: ownedServices is not null);
        GrainFactory = grainFactory;
        Options = options;
        _time = time;
        _ownedServices = ownedServices;
    }

    /// <summary>The grain factory calls go through.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The options (validated).</summary>
    public OrleansMLClientOptions Options { get; }

    /// <summary>Connects to the cluster <paramref name="options"/> describe.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    /// <exception cref="SiloUnavailableException">No gateway answered.</exception>
    public static async Task<OrleansMLClient> ConnectAsync(OrleansMLClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ServiceProvider services = BuildClusterClient(options);
        try
        {
            IClusterClient client = services.GetRequiredService<IClusterClient>();
            await client.ConnectAsync(cancellationToken);
            return new OrleansMLClient(client, options, services.GetService<TimeProvider>() ?? TimeProvider.System, services);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

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

    /// <summary>Downloads model <paramref name="name"/> at <paramref name="version"/> (0: the newest) and
    /// decodes it (checksums verified).</summary>
    public async Task<SavedModel> GetModelAsync(string name, int version = 0, CancellationToken cancellationToken = default)
    {
        byte[] file = await DownloadAsync(name, version, cancellationToken);
        return ModelFile.Deserialize(file, $"{name}:{(version == 0 ? "latest" : version.ToString(CultureInfo.InvariantCulture))}");
    }

    /// <summary>Predicts <paramref name="rowCount"/> dense rows (row-major <paramref name="features"/>) on the
    /// cluster with model <paramref name="name"/> at <paramref name="version"/> (0: the newest).</summary>
    /// <remarks>Large inputs go in several calls of at most <see cref="PredictChunkValues"/> feature values each
    /// (whole rows), so no message nears the transport's size limit; version 0 is resolved first so that every
    /// chunk uses the same version.</remarks>
    public async Task<float[]> PredictAsync(string name, int version, float[] features, int rowCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        IModelRegistryGrain registry = Registry(name);
        if (rowCount < 1 || features.Length % rowCount != 0 || features.Length <= PredictChunkValues)
        {
            // Small, or malformed: one call, and the registry explains what is wrong.
            return await registry.PredictAsync(version, features, rowCount).WaitAsync(cancellationToken);
        }

        if (version == 0)
        {
            ModelInfo[] versions = await registry.ListAsync().WaitAsync(cancellationToken);
            version = versions.Length > 0 ? versions[^1].Version : 0;
        }

        int width = features.Length / rowCount;
        int rowsPerChunk = Math.Max(1, PredictChunkValues / Math.Max(1, width));
        var outputs = new List<float>();
        for (int start = 0; start < rowCount; start += rowsPerChunk)
        {
            int rows = Math.Min(rowsPerChunk, rowCount - start);
            float[] chunk = features.AsSpan(start * width, rows * width).ToArray();
            outputs.AddRange(await registry.PredictAsync(version, chunk, rows).WaitAsync(cancellationToken));
        }

        return [.. outputs];
    }

    /// <summary>Most feature values one remote prediction call carries (4 MiB of floats).</summary>
    public const int PredictChunkValues = 1 << 20;

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

    /// <summary>The cluster's silos and the activations each Active one hosts per grain type.</summary>
    public async Task<ClusterOverview> GetClusterAsync(CancellationToken cancellationToken = default)
    {
        IManagementGrain management = GrainFactory.GetGrain<IManagementGrain>(0);
        SiloDetails[] silos = await management.GetSilosAsync(activeOnly: false).WaitAsync(cancellationToken);
        GrainTypeActivations[] activations = await management.GetActivationCountsAsync().WaitAsync(cancellationToken);
        return new ClusterOverview(silos, activations);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownedServices is not null)
        {
            await _ownedServices.DisposeAsync();
        }
    }

    /// <summary>A fresh job id: <c>job-yyyyMMdd-HHmmss-xxxx</c> (UTC, four random hex digits).</summary>
    internal string NewJobId() =>
        string.Create(CultureInfo.InvariantCulture, $"job-{_time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant()}");

    private Task<byte[]> DownloadAsync(string name, int version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return Registry(name).DownloadAsync(version).WaitAsync(cancellationToken);
    }

    private IModelRegistryGrain Registry(string name) => GrainFactory.GetGrain<IModelRegistryGrain>(name);

    private static ServiceProvider BuildClusterClient(OrleansMLClientOptions options)
    {
        string secret = options.ResolveSecret();
        var services = new ServiceCollection();
        services.AddLogging();
        ClientServiceCollectionExtensions.AddClusterClient(services, client =>
        {
            client.ClusterId = options.ClusterId;
            client.ClusterSecret = secret;
            client.ConnectTimeout = options.ConnectTimeout;
            client.ResponseTimeout = options.ResponseTimeout;
            client.MembershipDatabasePath = options.MembershipDatabase;
            foreach (string gateway in options.Gateways)
            {
                (string silo, int port) = OrleansMLClientOptions.ParseGateway(gateway);
                client.StaticGateways.Add(new GatewayAddress(SiloAddress.Parse(silo), port));
            }
        })
        .AddGrainAssembly(typeof(ITrainingJobGrain).Assembly);
        return services.BuildServiceProvider();
    }
}
