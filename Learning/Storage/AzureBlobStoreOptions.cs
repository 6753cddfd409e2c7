using Azure.Core;
using Azure.Storage.Blobs;

namespace OrleansML.Learning.Storage;

/// <summary>How an <see cref="AzureBlobStore"/> talks to the service: retries, timeouts and upload blocks.</summary>
public sealed class AzureBlobStoreOptions
{
    /// <summary>Retries of a failed request (connection error, timeout, HTTP 408/429/5xx). Default 3, range 0-20.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Delay before the first retry, doubled for each further one (with jitter). Default 0.8 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>Longest delay between retries. Default 1 minute.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long one request may wait for the service (for a download, for each read of the body) before it
    /// counts as failed and is retried. Default 100 s, as the Azure SDK's.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Size of the blocks large content is uploaded in; content up to this size goes in one request. A streamed
    /// upload holds about <see cref="UploadConcurrency"/> blocks in memory. Default 8 MiB, range 64 KiB-256 MiB.
    /// </summary>
    public int TransferBlockBytes { get; set; } = 8 << 20;

    /// <summary>Blocks of one upload sent at the same time. Default 2, range 1-32.</summary>
    public int UploadConcurrency { get; set; } = 2;

    /// <summary>What is wrong with these options, one message per problem naming the option; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxRetries is < 0 or > 20)
        {
            errors.Add($"MaxRetries is {MaxRetries}; it must be between 0 and 20.");
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > MaxRetryDelay)
        {
            errors.Add($"RetryDelay is {RetryDelay}; it must be positive and at most MaxRetryDelay ({MaxRetryDelay}).");
        }

        if (NetworkTimeout <= TimeSpan.Zero)
        {
            errors.Add($"NetworkTimeout is {NetworkTimeout}; it must be positive.");
        }

        if (TransferBlockBytes is < (64 << 10) or > (256 << 20))
        {
            errors.Add($"TransferBlockBytes is {TransferBlockBytes}; it must be between 65536 (64 KiB) and 268435456 (256 MiB).");
        }

        if (UploadConcurrency is < 1 or > 32)
        {
            errors.Add($"UploadConcurrency is {UploadConcurrency}; it must be between 1 and 32.");
        }

        return errors;
    }

    internal void ThrowIfInvalid(string parameterName)
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid Azure blob store options: {string.Join(" ", errors)}", parameterName);
        }
    }

    internal BlobClientOptions ToClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = MaxRetryDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        return options;
    }
}
