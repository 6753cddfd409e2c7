using OrleansML.Learning.Models;

namespace OrleansML.Models;

/// <summary>One saved version of a named model.</summary>
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
}
