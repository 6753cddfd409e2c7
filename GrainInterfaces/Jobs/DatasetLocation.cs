using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Jobs;

/// <summary>Splits a manifest path (<c>&lt;directory&gt;/&lt;name&gt;.manifest.json</c>) into the directory
/// and dataset name that <see cref="PartitionedDataset"/> takes, and opens the manifest.</summary>
public static class DatasetLocation
{
    /// <summary>The directory and dataset name of <paramref name="manifestPath"/>.</summary>
    /// <exception cref="ArgumentException">The path does not end in <see cref="PartitionedDataset.ManifestSuffix"/>.</exception>
    public static (string Directory, string Name) Split(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        string file = Path.GetFileName(manifestPath);
        if (!file.EndsWith(PartitionedDataset.ManifestSuffix, StringComparison.Ordinal) || file.Length == PartitionedDataset.ManifestSuffix.Length)
        {
            throw new ArgumentException($"'{manifestPath}' is not a dataset manifest: its name must end in '{PartitionedDataset.ManifestSuffix}'.", nameof(manifestPath));
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath)) ?? ".";
        return (directory, file[..^PartitionedDataset.ManifestSuffix.Length]);
    }

    /// <summary>Reads the manifest at <paramref name="manifestPath"/>.</summary>
    public static DatasetManifest Open(string manifestPath)
    {
        (string directory, string name) = Split(manifestPath);
        return PartitionedDataset.OpenManifest(directory, name);
    }
}
