using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace OrleansML.Learning.Storage;

/// <summary>
/// Creates an <see cref="AzureBlobStore"/>'s container once (and again after <see cref="Forget"/>), sharing the one
/// request among concurrent writers. The creation is not tied to one caller's token: each caller stops waiting
/// when its own token fires, and the next caller retries a creation that failed. Failures come out as the SDK
/// threw them, for each caller to report as part of its own operation.
/// </summary>
internal sealed class AzureContainerCreator(BlobContainerClient container)
{
    private readonly Lock _lock = new();
    private Task? _created;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Task created;
        lock (_lock)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = CreateAsync();
            }

            created = _created;
        }

        return created.IsCompletedSuccessfully ? Task.CompletedTask : created.WaitAsync(cancellationToken);
    }

    /// <summary>The container turned out to be gone: the next <see cref="EnsureCreatedAsync"/> creates it again.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _created = null;
        }
    }

    private async Task CreateAsync()
    {
        try
        {
            await container.CreateIfNotExistsAsync(PublicAccessType.None, metadata: null, encryptionScopeOptions: null, CancellationToken.None);
        }
        catch (RequestFailedException exception) when (exception.Status == 403)
        {
            // A SAS scoped to one container may not create containers; the container then has to exist already,
            // and if it does not (or the credentials are wrong), the write itself reports the error.
        }
    }
}
