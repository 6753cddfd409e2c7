namespace OrleansML.Learning.Storage;

/// <summary>
/// A blob store in a local (or mounted network) directory: blob <c>a/b/c</c> is the file <c>{root}/a/b/c</c>.
/// Writes go to a temporary file beside the target, are flushed to disk and renamed over it, so a reader or a
/// crash sees the old or the new file, never part of one.
/// </summary>
/// <remarks>
/// Several silos can share the store when the directory is on a shared file system whose rename is atomic
/// (local disks, NFSv4, SMB). A blob cannot also be a folder of other blobs here (<c>a</c> and <c>a/b</c>):
/// writing the second fails with a <see cref="BlobStoreException"/>. Directories emptied by deletes are kept,
/// because removing them would race with a concurrent write into them.
/// </remarks>
public sealed class LocalDirectoryBlobStore : IBlobStore
{
    private const int CopyBufferBytes = 1 << 20;
    private readonly string _root;

    /// <summary>Creates a store rooted at <paramref name="directory"/>; the directory is created on the first write.</summary>
    /// <exception cref="ArgumentException">The path is empty or not a valid path.</exception>
    public LocalDirectoryBlobStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        Location = $"directory {_root}";
    }

    /// <summary>The absolute path of the store's directory.</summary>
    public string RootDirectory => _root;

    /// <inheritdoc/>
    public string Location { get; }

    /// <inheritdoc/>
    public Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        return WriteFileAsync(name, (stream, token) => stream.WriteAsync(content, token), cancellationToken);
    }

    /// <inheritdoc/>
    public Task WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The content stream cannot be read.", nameof(content));
        }

        return WriteFileAsync(name, (stream, token) => new ValueTask(content.CopyToAsync(stream, CopyBufferBytes, token)), cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Here <paramref name="write"/> writes straight into the temporary file that replaces the blob when it returns.</remarks>
    public Task WriteAsync(string name, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        ArgumentNullException.ThrowIfNull(write);
        return WriteFileAsync(name, (stream, token) => new ValueTask(write(stream, token)), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        cancellationToken.ThrowIfCancellationRequested();
        string path = PathOf(name);
        try
        {
            // FileShare.Delete: a concurrent replace or delete must not fail because a reader holds the old file.
            Stream stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            return Task.FromResult(stream);
        }
        catch (Exception exception) when (IsFileSystemError(exception))
        {
            throw Failure(exception, name, "reading");
        }
    }

    /// <inheritdoc/>
    public async Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        try
        {
            return await File.ReadAllBytesAsync(PathOf(name), cancellationToken);
        }
        catch (Exception exception) when (IsFileSystemError(exception))
        {
            throw Failure(exception, name, "reading");
        }
    }

    /// <inheritdoc/>
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(PathOf(name)));
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        cancellationToken.ThrowIfCancellationRequested();
        string path = PathOf(name);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone with its folder: deleting is idempotent.
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            // The name is a folder of other blobs, not a blob: there is no such blob to delete.
        }
        catch (Exception exception) when (IsFileSystemError(exception))
        {
            throw Failure(exception, name, "deleting");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobName.ValidatePrefix(prefix);
        // Enumerating a directory tree blocks; run it off the caller's thread (a grain's, perhaps).
        List<string> names = await Task.Run(() => Collect(prefix, cancellationToken), cancellationToken);
        foreach (string name in names)
        {
            yield return name;
        }
    }

    private List<string> Collect(string prefix, CancellationToken cancellationToken)
    {
        // Start at the deepest folder the prefix names completely, rather than walking the whole store.
        int slash = prefix.LastIndexOf('/');
        string start = slash < 0 ? _root : PathOf(prefix[..slash]);
        var names = new List<string>();
        if (!Directory.Exists(start))
        {
            return names; // No such folder (or it is a blob): nothing under it.
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        try
        {
            foreach (string file in Directory.EnumerateFiles(start, "*", options))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string name = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (name.StartsWith(prefix, StringComparison.Ordinal) && !AtomicFile.IsTemporaryName(Path.GetFileName(file.AsSpan())))
                {
                    names.Add(name);
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // No folder, no blobs; a folder deleted during the walk holds none either.
        }
        catch (Exception exception) when (IsFileSystemError(exception))
        {
            throw new BlobStoreException(Location, null, $"{Location}: listing blobs with prefix '{prefix}' failed: {exception.Message}", exception);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private async Task WriteFileAsync(string name, Func<FileStream, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        try
        {
            await AtomicFile.WriteAsync(PathOf(name), write, cancellationToken);
        }
        catch (Exception exception) when (IsFileSystemError(exception))
        {
            throw Failure(exception, name, "writing");
        }
    }

    /// <summary>Validated names have no '..' segment and no leading '/': the path always stays under the root.</summary>
    private string PathOf(string name) => Path.Join(_root, name.Replace('/', Path.DirectorySeparatorChar));

    private static bool IsFileSystemError(Exception exception) => exception is IOException or UnauthorizedAccessException;

    private BlobStoreException Failure(Exception exception, string name, string action)
    {
        if (exception is FileNotFoundException or DirectoryNotFoundException
            || (action == "reading" && exception is UnauthorizedAccessException && Directory.Exists(PathOf(name))))
        {
            return new BlobNotFoundException(name, Location, exception);
        }

        return new BlobStoreException(Location, name, $"{Location}: {action} blob '{name}' failed: {exception.Message}", exception);
    }
}
