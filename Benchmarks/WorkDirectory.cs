using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Benchmarks;

/// <summary>A new temporary directory for one benchmark run, deleted on disposal.</summary>
internal sealed class WorkDirectory : IDisposable
{
    public WorkDirectory(string name)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"orleansml-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The manifest of the partitioned dataset <paramref name="name"/> written here.</summary>
    public string Manifest(string name) => System.IO.Path.Combine(Path, name + PartitionedDataset.ManifestSuffix);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temporary-file cleanup; the figures are already printed.
        }
    }
}
