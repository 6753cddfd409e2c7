using OrleansML.Learning.Models.Store;

namespace OrleansML.Models;

/// <summary>One saved version of a named model: its description and where its file lies in the model store
/// (<see cref="ModelStore"/>), never the file itself.</summary>
[GenerateSerializer]
[Alias("OrleansML.ModelInfo")]
public sealed record ModelInfo
{
    /// <summary>The model's name.</summary>
    [Id(0)]
    public string Name { get; init; } = "";

    /// <summary>The version, from 1.</summary>
    [Id(1)]
    public int Version { get; init; }

    /// <summary>The model and its dimensions.</summary>
    [Id(2)]
    public ModelSpec Model { get; init; } = new();

    /// <summary>Final metrics (name to value), e.g. <c>test_accuracy</c>.</summary>
    [Id(3)]
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The job that trained it.</summary>
    [Id(4)]
    public string? JobId { get; init; }

    /// <summary>When it was saved.</summary>
    [Id(5)]
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The model store blob that holds the version's model file.</summary>
    [Id(6)]
    public string Blob { get; init; } = "";

    /// <summary>The SHA-256 of that file (lowercase hex), checked whenever it is read.</summary>
    [Id(7)]
    public string Sha256 { get; init; } = "";

    /// <summary>A classifier's class names in class id order; null when the labels are the ids themselves.</summary>
    [Id(8)]
    public IReadOnlyList<string>? ClassLabels { get; init; }

    /// <summary>The description of a stored version.</summary>
    public static ModelInfo From(StoredModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new ModelInfo
        {
            Name = entry.Name,
            Version = entry.Version,
            Model = entry.Model,
            Metrics = new Dictionary<string, double>(entry.Metrics),
            JobId = entry.JobId,
            CreatedUtc = entry.CreatedUtc,
            Blob = entry.Blob,
            Sha256 = entry.Sha256,
            ClassLabels = entry.ClassLabels,
        };
    }
}
