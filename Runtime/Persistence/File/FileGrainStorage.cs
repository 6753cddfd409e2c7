using Microsoft.Extensions.Logging;

namespace OrleansML.Runtime.Persistence;

/// <summary>
/// Grain state in a directory, one file per (state name, grain). A write replaces the file atomically:
/// the new content goes to a temporary file in the same directory, is flushed to the disk, and is then
/// renamed over the old file, so a reader (or a crash) sees either the old or the new record, never a
/// mix. The ETag is a random token stored in the file's header; the read-check-replace of a conditional
/// write runs under an in-process lock per record and an exclusive lock file per record
/// (<c>name.state.lock</c>, held open with no sharing, which is an advisory lock on Unix), so silo
/// processes sharing the directory on one machine cannot both win. Network file systems whose locks are
/// unreliable are not supported.
/// </summary>
internal sealed partial class FileGrainStorage : IGrainStorage
{
    private readonly FileGrainStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyedAsyncLock _locks = new();

    public FileGrainStorage(FileGrainStorageOptions options, TimeProvider timeProvider, ILogger<FileGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        System.IO.Directory.CreateDirectory(options.DirectoryPath);
    }

    /// <summary>Records locked in this process right now (test accessor).</summary>
    internal int LockedRecords => _locks.ActiveKeys;

    public async Task<StoredRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        string path = PathOf(stateName, grainId);

        // No lock: the rename is atomic, so the file read is always one whole record.
        (string Etag, ReadOnlyMemory<byte> Data)? record = await ReadFileAsync(path, stateName, grainId, cancellationToken);
        return record is { } r ? new StoredRecord(r.Data, r.Etag) : null;
    }

    public async Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        string path = PathOf(stateName, grainId);
        using IDisposable local = await _locks.LockAsync(path, cancellationToken);
        await using FileStream crossProcess = await LockFileAsync(path, cancellationToken);
        (string Etag, ReadOnlyMemory<byte> Data)? stored = await ReadFileAsync(path, stateName, grainId, cancellationToken);
        EtagCheck.ThrowIfMismatch(stored?.Etag, expectedEtag, stateName, grainId, "write");

        string etag = Guid.NewGuid().ToString("N");
        byte[] content = StateFileFormat.Encode(etag, StateFileName.Identity(stateName, grainId), data.Span);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken);
                if (_options.FlushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        LogWritten(stateName, grainId, content.Length);
        return etag;
    }

    public async Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        string path = PathOf(stateName, grainId);
        using IDisposable local = await _locks.LockAsync(path, cancellationToken);
        await using FileStream crossProcess = await LockFileAsync(path, cancellationToken);
        (string Etag, ReadOnlyMemory<byte> Data)? stored = await ReadFileAsync(path, stateName, grainId, cancellationToken);
        EtagCheck.ThrowIfMismatch(stored?.Etag, expectedEtag, stateName, grainId, "clear");
        if (stored is not null)
        {
            File.Delete(path);
        }
    }

    private string PathOf(string stateName, GrainId grainId)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default value, which names no grain.", nameof(grainId));
        }

        return Path.Combine(_options.DirectoryPath, StateFileName.For(stateName, grainId));
    }

    private static async Task<(string Etag, ReadOnlyMemory<byte> Data)?> ReadFileAsync(string path, string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.Asynchronous);
            bytes = new byte[file.Length];
            await file.ReadExactlyAsync(bytes, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        (string etag, string identity, ReadOnlyMemory<byte> data) = StateFileFormat.Decode(bytes, path);
        string expected = StateFileName.Identity(stateName, grainId);
        if (!string.Equals(identity, expected, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}' holds state '{identity.Replace('\n', ' ')}', not '{expected.Replace('\n', ' ')}' (a file name collision or a copied file).");
        }

        return (etag, data);
    }

    private async Task<FileStream> LockFileAsync(string path, CancellationToken cancellationToken)
    {
        string lockPath = path + ".lock";
        DateTimeOffset deadline = _time.GetUtcNow() + _options.LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException) when (_time.GetUtcNow() < deadline)
            {
                // Another process holds the record's lock for the few milliseconds of its write.
                await Task.Delay(_options.LockRetryDelay, _time, cancellationToken);
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"Could not lock '{lockPath}' within FileGrainStorageOptions.LockTimeout ({_options.LockTimeout}): another process holds it.", ex);
            }
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            LogTempNotDeleted(path, ex.Message);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Wrote state '{StateName}' of grain {GrainId} ({Bytes} bytes)")]
    private partial void LogWritten(string stateName, GrainId grainId, int bytes);

    [LoggerMessage(2, LogLevel.Warning, "Could not delete the temporary state file '{Path}': {Reason}")]
    private partial void LogTempNotDeleted(string path, string reason);
}
