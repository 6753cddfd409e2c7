namespace OrleansML.Learning.Models.Store;

/// <summary>
/// What the store knows about one saved model version without reading its model file: where the file is, its
/// SHA-256, and the metadata a listing shows. Written after the model file, so an entry always has its file.
/// </summary>
public sealed record StoredModelEntry
{
    /// <summary>The model's name.</summary>
    public required string Name { get; init; }

    /// <summary>The version, from 1.</summary>
    public required int Version { get; init; }

    /// <summary>The blob that holds the model file (<c>models/&lt;name&gt;/&lt;version&gt;.omlm</c>).</summary>
    public required string Blob { get; init; }

    /// <summary>The model file's length in bytes.</summary>
    public required long Bytes { get; init; }

    /// <summary>The SHA-256 of the model file, lowercase hex: checked on every load, so a blob damaged in storage or
    /// replaced by another model is reported rather than predicted with.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The model and its dimensions.</summary>
    public required ModelSpec Model { get; init; }

    /// <summary>Final metrics by name (e.g. <c>test_accuracy</c>).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The job that trained it, when a job did.</summary>
    public string? JobId { get; init; }

    /// <summary>When it was saved.</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>A classifier's class names in class id order, as its model file header holds them
    /// (<see cref="Files.ModelFileHeader.ClassLabels"/>): listings and remote predictions show them without reading the
    /// file. Null when the labels are the ids themselves, and in entries written before labels were kept.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ClassLabels { get; init; }

    /// <summary><c>name:version</c>, as the CLI names a model.</summary>
    public override string ToString() => $"{Name}:{Version}";
}
