using OrleansML.Learning.Models;

namespace OrleansML.Models;

/// <summary>One saved version of a named model.</summary>
public sealed record ModelInfo
{
    /// <summary>The model's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The version, from 1.</summary>
    public int Version { get; init; }

    /// <summary>The model and its dimensions.</summary>
    public ModelSpec Model { get; init; } = new();

    /// <summary>Final metrics (name to value), e.g. <c>test_accuracy</c>.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The job that trained it.</summary>
    public string? JobId { get; init; }

    /// <summary>When it was saved.</summary>
    public DateTimeOffset CreatedUtc { get; init; }
}
