using System.Security.Cryptography;
using OrleansML.Models;
using OrleansML.Transfer;

namespace OrleansML.Client;

/// <summary>
/// Downloads a model file from the cluster in parts of at most one message each (the cluster's
/// <c>OrleansML:Transfer:MaxMessageBytes</c>): Orleans drops a connection that carries a message over its limit,
/// after the caller's whole timeout. The assembled file is checked against the stored length and SHA-256.
/// </summary>
internal static class ModelDownloader
{
    /// <summary>Model <paramref name="name"/> at <paramref name="version"/> (0: the newest), checked.</summary>
    /// <exception cref="KeyNotFoundException">No such model or version.</exception>
    /// <exception cref="InvalidDataException">The parts do not add up to the stored file.</exception>
    public static async Task<byte[]> DownloadAsync(IModelRegistryGrain registry, string name, int version, CancellationToken cancellationToken)
    {
        ModelDownload download = await registry.OpenDownloadAsync(version).WaitAsync(cancellationToken);
        if (download.Bytes > Array.MaxLength || download.PartBytes < 1)
        {
            throw new InvalidDataException($"model '{name}' version {download.Version}: the cluster describes a file of {download.Bytes} bytes in parts of {download.PartBytes}, which this client cannot hold.");
        }

        var file = new byte[download.Bytes];
        foreach ((long offset, int count) in TransferRanges.Split(download.Bytes, download.PartBytes))
        {
            byte[] part = await registry.DownloadPartAsync(download.Version, offset, count).WaitAsync(cancellationToken);
            if (part.Length != count)
            {
                throw new InvalidDataException($"model '{name}' version {download.Version}: the cluster answered {part.Length} bytes for the part [{offset}, +{count}).");
            }

            part.CopyTo(file, offset);
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
        if (sha256 != download.Sha256)
        {
            throw new InvalidDataException(
                $"model '{name}' version {download.Version}: the downloaded {file.Length} bytes have SHA-256 {sha256}, but the stored file's is {download.Sha256}.");
        }

        return file;
    }
}
