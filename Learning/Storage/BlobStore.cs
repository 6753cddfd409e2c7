namespace OrleansML.Learning.Storage;

/// <summary>Builds the <see cref="IBlobStore"/> that <see cref="BlobStoreOptions"/> describe.</summary>
public static class BlobStore
{
    /// <summary>Validates <paramref name="options"/> and creates the store. Nothing is read or written yet.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem, naming each option.</exception>
    public static IBlobStore Create(BlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid blob store options: {string.Join(" ", errors)}", nameof(options));
        }

        return options.Kind switch
        {
            BlobStoreKind.Azure => AzureBlobStore.FromConnectionString(options.ConnectionString!, options.Container, options.Azure),
            _ => new LocalDirectoryBlobStore(options.Directory ?? BlobStoreOptions.DefaultDirectory()!),
        };
    }
}
