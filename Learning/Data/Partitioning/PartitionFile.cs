namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// Reads and writes one dataset partition as a compact, versioned, checksummed binary file: a 64-byte
/// header then the raw little-endian arrays. Writes are atomic (temporary file, then rename); reads verify
/// magic, version, sizes and the CRC-32C and copy the arrays in bulk, with no per-element parsing.
/// The same bytes go to a blob store through <see cref="PartitionedBlobDataset"/>.
/// </summary>
public static class PartitionFile
{
    /// <summary>The file name extension used for partition files.</summary>
    public const string Extension = ".omlp";

    /// <summary>Writes a dense dataset; returns the payload checksum (CRC-32C).</summary>
    public static uint Write(string path, DenseDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Write(path, PartitionPayload.Dense(dataset, 0, dataset.RowCount));
    }

    /// <summary>Writes a sparse dataset (32- or 64-bit ids); returns the payload checksum (CRC-32C).</summary>
    public static uint Write<TIndex>(string path, SparseDataset<TIndex> dataset)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Write(path, PartitionPayload.Sparse(dataset, 0, dataset.RowCount));
    }

    /// <summary>Reads a dense partition.</summary>
    /// <exception cref="DataFormatException">The file is not a valid dense partition; the byte offset is in <see cref="DataFormatException.Line"/>.</exception>
    public static DenseDataset ReadDense(string path) => ReadDense(path, out _);

    /// <summary>Reads a sparse partition whose ids have the width of <typeparamref name="TIndex"/>.</summary>
    /// <exception cref="DataFormatException">The file is not a valid sparse partition of that id width.</exception>
    public static SparseDataset<TIndex> ReadSparse<TIndex>(string path)
        where TIndex : unmanaged, IBinaryInteger<TIndex> => ReadSparse<TIndex>(path, out _);

    internal static uint Write(string path, PartitionPayload payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, payload.WriteTo);
        return payload.Checksum;
    }

    internal static DenseDataset ReadDense(string path, out uint checksum)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using PartitionSource source = PartitionSource.OpenFile(path);
        (DenseDataset dataset, checksum) = PartitionReader.Synchronously(PartitionReader.ReadDenseAsync(source, CancellationToken.None));
        return dataset;
    }

    internal static SparseDataset<TIndex> ReadSparse<TIndex>(string path, out uint checksum)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using PartitionSource source = PartitionSource.OpenFile(path);
        (SparseDataset<TIndex> dataset, checksum) = PartitionReader.Synchronously(PartitionReader.ReadSparseAsync<TIndex>(source, CancellationToken.None));
        return dataset;
    }

    internal static int IndexWidth<TIndex>() where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        int width = System.Runtime.CompilerServices.Unsafe.SizeOf<TIndex>();
        if (width is not (4 or 8))
        {
            throw new NotSupportedException($"Partition files store 32- or 64-bit ids, not {typeof(TIndex).Name}.");
        }

        return width;
    }
}
