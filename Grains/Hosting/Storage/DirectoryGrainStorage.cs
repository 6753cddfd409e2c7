using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansML.Grains.Hosting.Storage;

/// <summary>
/// Grain storage in a local directory: one file per grain state (see <see cref="StatePaths"/> and
/// <see cref="StateFile"/>). Orleans ships no file-system storage; OrleansML's embedded cluster and a silo with no
/// storage configured need state that outlives the process without a database, so this is ours.
/// </summary>
/// <remarks>
/// <para>Guarantees. A write replaces the file atomically (temporary file, flush to disk, rename), so a crash leaves
/// the last acknowledged state or the one being written, never a torn file. The ETag is a version stored in the
/// file: a write or clear succeeds only if the caller's ETag equals the stored version, under a lock shared by every
/// silo of this machine (<see cref="StateFileLock"/>); otherwise it throws <see cref="InconsistentStateException"/>
/// and changes nothing.</para>
/// <para>Limits. One machine only: the lock is a local advisory file lock, and network file systems do not honour
/// it reliably. No directory fsync after the rename (.NET has no API for it), so after a power loss the newest rename
/// may be lost on file systems that do not order metadata after data (ext4's default data=ordered does). Reads take
/// no lock and see the last completed write.</para>
/// </remarks>
public sealed partial class DirectoryGrainStorage : IGrainStorage
{
    private readonly string _name;
    private readonly string _root;
    private readonly DirectoryGrainStorageOptions _options;
    private readonly IActivatorProvider _activators;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the storage named <paramref name="name"/> (the root is the options' directory plus the service id).</summary>
    public DirectoryGrainStorage(string name, DirectoryGrainStorageOptions options, ClusterOptions cluster, IActivatorProvider activators, TimeProvider time, ILogger<DirectoryGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cluster);
        if (options.FindProblem(name) is string problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.GrainStorageSerializer);
        _name = name;
        _options = options;
        _root = Path.Combine(Path.GetFullPath(options.Directory), StatePaths.Segment(cluster.ServiceId ?? "default"));
        _activators = activators;
        _time = time;
        _logger = logger;
    }

    public string Root => _root;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        string path = StatePaths.For(_root, stateName, grainId);
        StateFile.Contents? contents = await StateFile.ReadAsync(path, cancellationToken);
        if (contents is not { } file)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = CreateDefault<T>();
            return;
        }

        grainState.State = file.Cleared ? CreateDefault<T>() : Deserialize<T>(file.Payload, path);
        grainState.ETag = Etag(file.Version);
        grainState.RecordExists = !file.Cleared;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        BinaryData payload = _options.GrainStorageSerializer.Serialize(grainState.State);
        string path = StatePaths.For(_root, stateName, grainId);
        long version = await ReplaceAsync(path, stateName, grainId, grainState.ETag, payload.ToMemory(), cancellationToken);
        grainState.ETag = Etag(version);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        string path = StatePaths.For(_root, stateName, grainId);
        long version = await ReplaceAsync(path, stateName, grainId, grainState.ETag, payload: null, cancellationToken);
        grainState.ETag = _options.DeleteStateOnClear ? null : Etag(version);
        grainState.RecordExists = false;
        grainState.State = CreateDefault<T>();
    }

    /// <summary>Checks the ETag against the stored version and writes the next version (or clears); returns it.</summary>
    private async Task<long> ReplaceAsync(string path, string stateName, GrainId grainId, string? etag, ReadOnlyMemory<byte>? payload, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using StateFileLock held = await StateFileLock.AcquireAsync(path, _options.LockTimeout, _time, cancellationToken);
        long? stored = StateFile.ReadVersion(path);
        string? storedEtag = stored is long v ? Etag(v) : null;
        if (!string.Equals(storedEtag, etag, StringComparison.Ordinal))
        {
            LogConflict(_logger, _name, stateName, grainId, storedEtag, etag);
            throw new InconsistentStateException(
                $"The {stateName} state of {grainId} in '{path}' is at version {storedEtag ?? "none"}, but this activation holds version {etag ?? "none"}: another activation or process wrote it.",
                storedEtag, etag);
        }

        long next = (stored ?? 0) + 1;
        if (payload is null && _options.DeleteStateOnClear)
        {
            StateFile.Delete(path);
        }
        else
        {
            await StateFile.WriteAsync(path, next, payload, cancellationToken);
        }

        return next;
    }

    private T Deserialize<T>(ReadOnlyMemory<byte> payload, string path)
    {
        try
        {
            return _options.GrainStorageSerializer.Deserialize<T>(new BinaryData(payload)) ?? CreateDefault<T>();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new InvalidDataException($"The grain state file '{path}' cannot be read as {typeof(T).Name}: {exception.Message}", exception);
        }
    }

    private T CreateDefault<T>() => _activators.GetActivator<T>().Create();

    private static string Etag(long version) => version.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Directory storage {StorageName}: {StateName} of {GrainId} was at version {StoredEtag}, the writer held {WriterEtag}")]
    private static partial void LogConflict(ILogger logger, string storageName, string stateName, GrainId grainId, string? storedEtag, string? writerEtag);
}
