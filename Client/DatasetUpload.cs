using System.Security.Cryptography;
using OrleansML.Jobs;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Storage;

namespace OrleansML.Client;

/// <summary>
/// Copies a local partitioned dataset into a blob store under a content address,
/// <c>datasets/&lt;SHA-256 of the manifest, 32 hex digits&gt;/</c>. The manifest lists every partition's CRC-32C and
/// row count, so equal addresses mean equal data; the manifest is written last, so finding it means every partition
/// is there, and an upload that finds it copies nothing.
/// </summary>
internal static class DatasetUpload
{
    /// <summary>The folder all uploaded datasets live under.</summary>
    public const string Folder = "datasets";

    public static async Task<string> UploadAsync(string localManifestPath, IBlobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        DatasetReference local = DatasetReference.Parse(localManifestPath);
        if (local.IsBlob)
        {
            throw new ArgumentException($"'{localManifestPath}' is already a blob reference; upload takes a local manifest path.", nameof(localManifestPath));
        }

        DatasetManifest manifest = await local.OpenManifestAsync(store: null, cancellationToken);
        // The bytes as they are, hashed and uploaded: a dataset rewritten meanwhile fails its CRC checks when read.
        byte[] manifestBytes = await File.ReadAllBytesAsync(local.Manifest, cancellationToken);
        string prefix = $"{Folder}/{Convert.ToHexStringLower(SHA256.HashData(manifestBytes))[..32]}";
        string manifestBlob = PartitionedBlobDataset.ManifestBlobName(prefix, manifest.Name);
        if (!await store.ExistsAsync(manifestBlob, cancellationToken))
        {
            for (int p = 0; p < manifest.Partitions.Count; p++)
            {
                await using FileStream file = File.OpenRead(Path.Combine(local.Folder, manifest.Partitions[p].File));
                await store.WriteAsync(PartitionedBlobDataset.PartitionBlobName(prefix, manifest, p), file, cancellationToken);
            }

            await store.WriteAsync(manifestBlob, manifestBytes, cancellationToken);
        }

        return DatasetReference.ForBlob(manifestBlob);
    }
}
