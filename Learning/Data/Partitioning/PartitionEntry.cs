namespace OrleansML.Learning.Data.Partitioning;

/// <summary>One partition listed in a <see cref="DatasetManifest"/>.</summary>
/// <param name="File">File name, relative to the dataset directory.</param>
/// <param name="FirstRow">Index of the partition's first row in the whole dataset.</param>
/// <param name="RowCount">Rows in the partition.</param>
/// <param name="NonzeroCount">Stored values in the partition.</param>
/// <param name="Checksum">CRC-32C of the partition's payload (also in its header).</param>
public sealed record PartitionEntry(string File, long FirstRow, long RowCount, long NonzeroCount, uint Checksum);
