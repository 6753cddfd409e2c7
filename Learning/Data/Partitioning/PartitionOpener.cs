namespace OrleansML.Learning.Data.Partitioning;

/// <summary>Opens part <paramref name="part"/> of a join (its index in the list of partitions being joined) from
/// the start of its file or blob.</summary>
internal delegate ValueTask<PartitionSource> PartitionOpener(int part, CancellationToken cancellationToken);
