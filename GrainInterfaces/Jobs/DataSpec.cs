namespace OrleansML.Jobs;

/// <summary>
/// Where a job's data is: partitioned datasets, each named by its manifest (see <see cref="DatasetReference"/>):
/// either a local path (<c>&lt;directory&gt;/&lt;name&gt;.manifest.json</c>, written by
/// <see cref="Learning.Data.Partitioning.PartitionedDataset"/>; every silo must see the same paths, a local disk on
/// one host or a shared mount) or a blob of the cluster's blob store
/// (<c>blob:datasets/&lt;...&gt;/&lt;name&gt;.manifest.json</c>, written by
/// <see cref="Learning.Data.Partitioning.PartitionedBlobDataset"/>), which every silo reaches.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.DataSpec")]
public sealed record DataSpec
{
    /// <summary>The training set's manifest. Required. It needs at least as many partitions as the job has
    /// workers: worker <c>w</c> of <c>W</c> owns the partitions <c>p</c> with <c>p % W == w</c>.</summary>
    [Id(0)]
    public string TrainManifest { get; init; } = "";

    /// <summary>The held-out set's manifest, evaluated after every epoch and spread over the workers the
    /// same way; null for none.</summary>
    [Id(1)]
    public string? TestManifest { get; init; }

    /// <summary>A classifier's labels as they were in the imported data, in class id order (<c>ClassLabels[k]</c> is
    /// stored as class k), saved with the model so that predictions can name them; null when the ids are the labels.
    /// <c>orleansml train</c> fills it from the import. When set it holds one distinct label per class of the model.</summary>
    [Id(2)]
    public IReadOnlyList<string>? ClassLabels { get; init; }

    /// <summary>Value equality that compares the labels element by element.</summary>
    public bool Equals(DataSpec? other) =>
        other is not null && TrainManifest == other.TrainManifest && TestManifest == other.TestManifest
        && (ClassLabels is null ? other.ClassLabels is null : other.ClassLabels is not null && ClassLabels.SequenceEqual(other.ClassLabels));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TrainManifest, TestManifest, ClassLabels?.Count ?? -1);
}
