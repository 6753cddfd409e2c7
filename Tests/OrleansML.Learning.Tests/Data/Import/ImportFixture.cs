using System.Text;

namespace OrleansML.Learning.Tests.Data.Import;

/// <summary>A temporary directory with input files and a local blob store, read back the way the CLI's workers read it.</summary>
internal sealed class ImportFixture : IDisposable
{
    public ImportFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("orleansml-import").FullName;
        Store = new LocalDirectoryBlobStore(Path.Combine(Directory, "blobs"));
    }

    public string Directory { get; }

    public LocalDirectoryBlobStore Store { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    public string Write(string name, string text)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public Task<DatasetImportResult> ImportAsync(string path, DatasetImportOptions? options = null) =>
        DatasetImporter.ImportAsync(Store, path, options, null, CancellationToken.None);

    public async Task<DataFormatException> FailAsync(string path, DatasetImportOptions? options = null)
    {
        DataFormatException error = await Assert.ThrowsAsync<DataFormatException>(() => ImportAsync(path, options));
        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
        return error;
    }

    /// <summary>The manifest read as a file from the store's directory, as a worker given the manifest path reads it.</summary>
    public (string Directory, DatasetManifest Manifest) OpenManifest(DatasetImportResult result)
    {
        string file = Path.Combine(Store.RootDirectory, result.ManifestBlobName);
        Assert.True(File.Exists(file), file);
        string directory = Path.GetDirectoryName(file)!;
        string name = Path.GetFileName(file)[..^PartitionedDataset.ManifestSuffix.Length];
        return (directory, PartitionedDataset.OpenManifest(directory, name));
    }

    /// <summary>Every partition of a dense import, concatenated: features row-major and labels.</summary>
    public (float[] Features, float[] Labels, int Columns) ReadAllDense(DatasetImportResult result)
    {
        (string directory, DatasetManifest manifest) = OpenManifest(result);
        var features = new List<float>();
        var labels = new List<float>();
        for (int p = 0; p < manifest.Partitions.Count; p++)
        {
            DenseDataset part = PartitionedDataset.ReadDensePartition(directory, manifest, p);
            features.AddRange(part.Features.ToArray());
            labels.AddRange(part.Labels.ToArray());
        }

        return ([.. features], [.. labels], (int)manifest.ColumnCount);
    }

    public SparseDataset<int>[] ReadAllSparse(DatasetImportResult result)
    {
        (string directory, DatasetManifest manifest) = OpenManifest(result);
        return Enumerable.Range(0, manifest.Partitions.Count).Select(p => PartitionedDataset.ReadSparsePartition<int>(directory, manifest, p)).ToArray();
    }
}
