namespace OrleansML.Models;

/// <summary>What a client needs to download a model file in parts (<see cref="IModelRegistryGrain.OpenDownloadAsync"/>):
/// its length, its SHA-256 to check the assembled bytes against, and the most bytes one part may hold.</summary>
[GenerateSerializer]
[Immutable]
[Alias("OrleansML.ModelDownload")]
public sealed record ModelDownload
{
    /// <summary>The version (resolved: never 0).</summary>
    [Id(0)]
    public int Version { get; init; }

    [Id(1)]
    public long Bytes { get; init; }

    /// <summary>The file's SHA-256, lower-case hex.</summary>
    [Id(2)]
    public string Sha256 { get; init; } = "";

    /// <summary>The most bytes <see cref="IModelRegistryGrain.DownloadPartAsync"/> returns in one call
    /// (the cluster's <c>OrleansML:Transfer:MaxMessageBytes</c>).</summary>
    [Id(3)]
    public int PartBytes { get; init; }
}
