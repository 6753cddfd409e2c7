namespace OrleansML.Learning.Storage;

/// <summary>Which implementation <see cref="BlobStore.Create"/> builds.</summary>
public enum BlobStoreKind
{
    /// <summary>A local or mounted directory (<see cref="LocalDirectoryBlobStore"/>).</summary>
    Local = 0,

    /// <summary>An Azure Blob Storage container, or Azurite (<see cref="AzureBlobStore"/>).</summary>
    Azure = 1,
}
