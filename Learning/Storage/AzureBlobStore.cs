using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace OrleansML.Learning.Storage;

/// <summary>
/// A blob store in one Azure Blob Storage container (or Azurite). Writes are block-blob uploads: small content
/// in one request, large content as staged blocks committed by one final request, so readers see the old or the
/// new blob, never a mix. A download that is retried midway resumes only from the same version of the blob.
/// Content the caller writes into a stream (a checkpoint being encoded) goes through <see cref="BlobPipe"/> into
/// the same staged upload, so memory stays bounded and a write that fails midway commits nothing.
/// </summary>
/// <remarks>
/// The container is created on the first write. If it is deleted while the store is in use, the next write
/// creates it again. Failures become <see cref="BlobStoreException"/>s naming <see cref="Location"/> (endpoint and
/// container, never a key or SAS), the blob, and the HTTP status and error code or the connection error.
/// </remarks>
public sealed class AzureBlobStore : IBlobStore
{
    private readonly BlobContainerClient _container;
    private readonly AzureBlobStoreOptions _options;
    private readonly AzureContainerCreator _creator;

    /// <summary>Creates a store over <paramref name="container"/>; retries and timeouts are the client's own.</summary>
    /// <param name="container">The container client, with its credentials and pipeline.</param>
    /// <param name="options">Upload block sizes; the retry settings here apply only through <see cref="FromConnectionString"/>.</param>
    public AzureBlobStore(BlobContainerClient container, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        _options = options ?? new AzureBlobStoreOptions();
        _options.ThrowIfInvalid(nameof(options));
        _container = container;
        Location = $"Azure container '{container.Name}' at {ServiceEndpoint(container.Uri, container.Name)}";
        _creator = new AzureContainerCreator(container);
    }

    /// <inheritdoc/>
    public string Location { get; }

    /// <summary>
    /// Creates a store for container <paramref name="container"/> of the account that <paramref name="connectionString"/>
    /// names. Nothing is sent until the first operation.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The connection string is malformed (the message says which setting, never its value), the container name
    /// breaks Azure's rules, or <paramref name="options"/> are invalid.
    /// </exception>
    public static AzureBlobStore FromConnectionString(string connectionString, string container, AzureBlobStoreOptions? options = null)
    {
        if (AzureConnectionString.Problem(connectionString) is { } problem)
        {
            throw new ArgumentException($"The Azure Storage connection string is not valid: {problem}.", nameof(connectionString));
        }

        if (AzureContainerName.Problem(container) is { } containerProblem)
        {
            throw new ArgumentException($"The Azure blob container name is not valid: {containerProblem}.", nameof(container));
        }

        options ??= new AzureBlobStoreOptions();
        options.ThrowIfInvalid(nameof(options));
        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(connectionString, options.ToClientOptions());
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's parse messages name rules, not values; the inner exception is left out in case one ever does.
            throw new ArgumentException($"The Azure Storage connection string is not valid: the Azure SDK rejected it: {exception.Message}", nameof(connectionString));
        }

        return new AzureBlobStore(service.GetBlobContainerClient(container), options);
    }

    /// <inheritdoc/>
    public Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        BlobClient blob = _container.GetBlobClient(name);
        return UploadAsync(name, token => blob.UploadAsync(new BinaryData(content), UploadOptions(), token), replayable: true, cancellationToken);
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

        BlobClient blob = _container.GetBlobClient(name);
        long start = content.CanSeek ? content.Position : -1;
        return UploadAsync(name, token =>
        {
            if (start >= 0)
            {
                content.Position = start;
            }

            return blob.UploadAsync(content, UploadOptions(), token);
        }, replayable: start >= 0, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        BlobDownloadStreamingResult download = await DownloadAsync(name, cancellationToken);
        return new AzureDownloadStream(download.Content, Location, name);
    }

    /// <inheritdoc/>
    public async Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        using BlobDownloadStreamingResult download = await DownloadAsync(name, cancellationToken);
        long length = download.Details.ContentLength;
        if (length > Array.MaxLength)
        {
            throw new BlobStoreException(Location, name, $"{Location}: blob '{name}' has {length} bytes, too many for one array: open it as a stream.");
        }

        byte[] bytes = GC.AllocateUninitializedArray<byte>((int)length);
        await using var body = new AzureDownloadStream(download.Content, Location, name);
        int read = await body.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
        if (read != bytes.Length)
        {
            throw new BlobStoreException(Location, name, $"{Location}: reading blob '{name}' failed: the download ended after {read} of {length} bytes.");
        }

        return bytes;
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        try
        {
            return (await _container.GetBlobClient(name).ExistsAsync(cancellationToken)).Value;
        }
        catch (Exception exception) when (AzureErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw AzureErrors.Map(exception, Location, $"checking whether blob '{name}' exists", name);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        try
        {
            // DeleteIfExists answers false, without an error, when the blob or its whole container is missing.
            await _container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions: null, cancellationToken);
        }
        catch (Exception exception) when (AzureErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw AzureErrors.Map(exception, Location, $"deleting blob '{name}'", name);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobName.ValidatePrefix(prefix);
        var listing = new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix };
        IAsyncEnumerator<BlobItem> items = _container.GetBlobsAsync(listing, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await items.MoveNextAsync();
                }
                catch (RequestFailedException exception) when (exception.ErrorCode == AzureErrors.ContainerNotFound)
                {
                    more = false; // No container yet: no blobs.
                }
                catch (Exception exception) when (AzureErrors.IsStoreFailure(exception, cancellationToken))
                {
                    throw AzureErrors.Map(exception, Location, $"listing blobs with prefix '{prefix}'", null);
                }

                if (!more)
                {
                    yield break;
                }

                yield return items.Current.Name;
            }
        }
        finally
        {
            await items.DisposeAsync();
        }
    }

    private async Task<BlobDownloadStreamingResult> DownloadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(name).DownloadStreamingAsync(new BlobDownloadOptions(), cancellationToken)).Value;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            throw new BlobNotFoundException(name, Location, exception);
        }
        catch (Exception exception) when (AzureErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw AzureErrors.Map(exception, Location, $"reading blob '{name}'", name);
        }
    }

    private async Task UploadAsync(string name, Func<CancellationToken, Task> upload, bool replayable, CancellationToken cancellationToken)
    {
        string action = $"writing blob '{name}'";
        try
        {
            await _creator.EnsureCreatedAsync(cancellationToken);
        }
        catch (Exception exception) when (AzureErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw AzureErrors.Map(exception, Location, action + " (creating the container first)", name);
        }

        try
        {
            await upload(cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == AzureErrors.ContainerNotFound)
        {
            // The container was deleted after this store created it: create it again, and write again when the content can be replayed.
            _creator.Forget();
            try
            {
                await _creator.EnsureCreatedAsync(cancellationToken);
            }
            catch (Exception createException) when (AzureErrors.IsStoreFailure(createException, cancellationToken))
            {
                throw AzureErrors.Map(createException, Location, action + " (creating the deleted container again)", name);
            }

            if (!replayable)
            {
                throw new BlobStoreException(Location, name,
                    $"{Location}: {action} failed: the container had been deleted; it was created again, but the content stream cannot be rewound: write again.",
                    exception, exception.Status, exception.ErrorCode);
            }

            try
            {
                await upload(cancellationToken);
            }
            catch (Exception retryException) when (AzureErrors.IsStoreFailure(retryException, cancellationToken))
            {
                throw AzureErrors.Map(retryException, Location, action, name);
            }
        }
        catch (Exception exception) when (AzureErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw AzureErrors.Map(exception, Location, action, name);
        }
    }

    private BlobUploadOptions UploadOptions() => new()
    {
        TransferOptions = new StorageTransferOptions
        {
            InitialTransferSize = _options.TransferBlockBytes,
            MaximumTransferSize = _options.TransferBlockBytes,
            MaximumConcurrency = _options.UploadConcurrency,
        },
    };

    /// <summary>The account's blob endpoint, without credentials, SAS query or the container segment.</summary>
    private static string ServiceEndpoint(Uri containerUri, string containerName)
    {
        var builder = new UriBuilder(containerUri) { Query = string.Empty, Fragment = string.Empty, UserName = string.Empty, Password = string.Empty };
        string path = builder.Path.TrimEnd('/');
        if (path.EndsWith("/" + containerName, StringComparison.Ordinal))
        {
            path = path[..^(containerName.Length + 1)];
        }

        builder.Path = path;
        return builder.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }
}
